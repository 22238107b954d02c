import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation } from 'react-router';
import { describeError } from '../../app/errors';
import { useSession, useSessionState } from './session-context';
import { AuthForm, type AuthValues } from './AuthForm';

function useAuthPage() {
  const { t } = useTranslation();
  const state = useSessionState();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/';
  const rethrow = (err: unknown): never => {
    throw new Error(describeError(err, t));
  };
  return { t, state, from, rethrow };
}

export function SignInPage() {
  const session = useSession();
  const { t, state, from, rethrow } = useAuthPage();
  if (state.status === 'signed-in') return <Navigate to={from} replace />;
  const submit = ({ email, password }: AuthValues) => session.signIn(email, password).catch(rethrow);
  return (
    <main className="auth-page">
      <AuthForm mode="sign-in" onSubmit={submit} notice={state.expired ? t('auth.expired') : undefined} />
      <Link to="/sign-up">{t('auth.noAccount')}</Link>
    </main>
  );
}

export function SignUpPage() {
  const session = useSession();
  const { t, state, from, rethrow } = useAuthPage();
  if (state.status === 'signed-in') return <Navigate to={from} replace />;
  const submit = ({ email, displayName, password }: AuthValues) =>
    session.signUp(email, displayName, password).catch(rethrow);
  return (
    <main className="auth-page">
      <AuthForm mode="sign-up" onSubmit={submit} />
      <Link to="/sign-in">{t('auth.haveAccount')}</Link>
    </main>
  );
}
