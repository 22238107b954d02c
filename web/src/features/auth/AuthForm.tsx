import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

export interface AuthValues {
  email: string;
  password: string;
  displayName: string;
}

/** The sign-in and sign-up form; `onSubmit` rejects with the text to show. */
export function AuthForm({
  mode,
  onSubmit,
  notice,
}: {
  mode: 'sign-in' | 'sign-up';
  onSubmit: (values: AuthValues) => Promise<void>;
  notice?: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const title = mode === 'sign-in' ? t('auth.signIn') : t('auth.signUp');

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit({
        email: String(form.get('email') ?? ''),
        password: String(form.get('password') ?? ''),
        displayName: String(form.get('displayName') ?? ''),
      });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }

  return (
    <form className="card auth" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>{title}</h1>
      {notice && <p role="status">{notice}</p>}
      {mode === 'sign-up' && (
        <label>
          {t('auth.displayName')}
          <input name="displayName" autoComplete="name" required maxLength={80} />
        </label>
      )}
      <label>
        {t('auth.email')}
        <input name="email" type="email" autoComplete="email" required />
      </label>
      <label>
        {t('auth.password')}
        <input
          name="password"
          type="password"
          autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'}
          required
          minLength={8}
          aria-describedby={mode === 'sign-up' ? `${id}-hint` : undefined}
        />
      </label>
      {mode === 'sign-up' && (
        <small id={`${id}-hint`} className="hint">
          {t('auth.passwordHint')}
        </small>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {title}
      </button>
    </form>
  );
}
