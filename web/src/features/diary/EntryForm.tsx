import { useId, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { parseTags, type NewEntry } from './use-diary';

const moods = ['-2', '-1', '0', '1', '2'] as const;

/** A new diary entry; `onSubmit` resolves once it is saved (then the form clears). */
export function EntryForm({
  onSubmit,
  busy,
}: {
  onSubmit: (entry: NewEntry) => Promise<unknown>;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const title = String(form.get('title') ?? '').trim();
    const tags = parseTags(String(form.get('tags') ?? ''));
    const mood = String(form.get('mood') ?? '');
    await onSubmit({
      text: String(form.get('text') ?? '').trim(),
      ...(title ? { title } : {}),
      ...(tags.length ? { tags } : {}),
      ...(mood !== '' ? { mood: Number(mood) } : {}),
    });
    formElement.reset();
  }
  return (
    <form className="card" onSubmit={(e) => void submit(e).catch(() => undefined)} aria-labelledby={id}>
      <h2 id={id}>{t('diary.write')}</h2>
      <label>
        {t('diary.entryTitle')}
        <input name="title" maxLength={200} />
      </label>
      <label>
        {t('diary.text')}
        <textarea name="text" rows={5} required maxLength={20000} />
      </label>
      <label>
        {t('diary.tags')}
        <input name="tags" />
      </label>
      <label>
        {t('diary.mood')}
        <select name="mood" defaultValue="">
          <option value="">{t('diary.moodUnset')}</option>
          {moods.map((m) => (
            <option key={m} value={m}>
              {t(`diary.moods.${m}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={busy}>
        {t('diary.save')}
      </button>
    </form>
  );
}
