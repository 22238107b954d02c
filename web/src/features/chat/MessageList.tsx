import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { MoodBadge } from '../mood/MoodBadge';
import type { ChatMessage } from './timeline';

/** The room's messages, newest at the bottom; new ones are announced to screen readers. */
export function MessageList({
  messages,
  me,
  onRetry,
}: {
  messages: ChatMessage[];
  me: string | undefined;
  onRetry: (message: ChatMessage) => void;
}) {
  const { t } = useTranslation();
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => {
    // A block body: scrollIntoView answers a promise in newer browsers, which React would take for a cleanup.
    void end.current?.scrollIntoView?.({ block: 'end' });
  }, [messages.length]);
  if (messages.length === 0) return <p className="empty">{t('chat.empty')}</p>;
  return (
    <ol className="messages" aria-label={t('chat.history')} aria-live="polite">
      {messages.map((m) => {
        const mine = m.author === me;
        return (
          <li key={m.clientId ?? m.seq} className={`message ${mine ? 'mine' : ''} ${m.status}`}>
            <span className="author">{mine ? t('chat.you') : m.author.slice(0, 10)}</span>{' '}
            <MoodBadge score={m.moodScore} />
            <p className="text">{m.deleted ? <em>{t('chat.deleted')}</em> : m.text}</p>
            {m.status === 'pending' && <small className="status">{t('chat.sending')}</small>}
            {m.status === 'failed' && (
              <small className="status error">
                {t('chat.failed')}{' '}
                <button type="button" className="link" onClick={() => onRetry(m)}>
                  {t('chat.retry')}
                </button>
              </small>
            )}
          </li>
        );
      })}
      <li ref={end} aria-hidden="true" className="end" />
    </ol>
  );
}
