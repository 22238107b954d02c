import { useTranslation } from 'react-i18next';
import { newClientId } from '../../app/client-id';
import { describeError } from '../../app/errors';
import { MoodBadge } from '../mood/MoodBadge';
import { EntryForm } from './EntryForm';
import { useEntries, useWriteEntry } from './use-diary';

export function DiaryPage() {
  const { t, i18n } = useTranslation();
  const entries = useEntries();
  const write = useWriteEntry();
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'full', timeStyle: 'short' });
  return (
    <main className="page">
      <h1>{t('diary.title')}</h1>
      <EntryForm
        busy={write.isPending}
        onSubmit={(entry) => write.mutateAsync({ ...entry, clientId: newClientId() })}
      />
      {write.isSuccess && <p role="status">{t('diary.saved')}</p>}
      {write.error && <p role="alert">{describeError(write.error, t)}</p>}
      <section aria-labelledby="entries-title">
        <h2 id="entries-title">{t('diary.entries')}</h2>
        {entries.isPending && <p role="status">{t('app.loading')}</p>}
        {entries.error && <p role="alert">{describeError(entries.error, t)}</p>}
        {entries.data?.entries.length === 0 && <p>{t('diary.empty')}</p>}
        <ul className="entries" aria-label={t('diary.entries')}>
          {entries.data?.entries.map((e) => (
            <li key={e.id} className="card">
              <article>
                <header>
                  {e.title && <h3>{e.title}</h3>}
                  <time dateTime={new Date(e.at).toISOString()}>{date.format(e.at)}</time>
                  {e.mood !== undefined && (
                    <span className="tag">{t(`diary.moods.${String(e.mood) as '0'}`)}</span>
                  )}
                  {e.shared && <span className="tag">{t('diary.shared')}</span>}
                  <MoodBadge score={e.moodScore} />
                </header>
                <p className="entry-text">{e.text}</p>
                {e.tags && e.tags.length > 0 && (
                  <ul className="tags" aria-label={t('diary.tags')}>
                    {e.tags.map((tag) => (
                      <li key={tag} className="tag">
                        #{tag}
                      </li>
                    ))}
                  </ul>
                )}
              </article>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
