import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';

const draftKey = (room: string) => `metachat.draft.${room}`;

/** The message box: Enter sends, Shift+Enter starts a new line; the draft survives a reload. */
export function Composer({
  room,
  onSend,
  disabled,
}: {
  room: string;
  onSend: (text: string) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => localStorage.getItem(draftKey(room)) ?? '');
  const change = (value: string) => {
    setText(value);
    if (value) localStorage.setItem(draftKey(room), value);
    else localStorage.removeItem(draftKey(room));
  };
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!text.trim() || disabled) return;
    onSend(text.trim());
    change('');
  };
  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };
  return (
    <form className="composer" onSubmit={submit}>
      <label className="visually-hidden" htmlFor={`composer-${room}`}>
        {t('chat.message')}
      </label>
      <textarea
        id={`composer-${room}`}
        rows={2}
        maxLength={4000}
        value={text}
        placeholder={t('chat.message')}
        onChange={(e) => change(e.target.value)}
        onKeyDown={keyDown}
      />
      <button type="submit" disabled={disabled || !text.trim()}>
        {t('chat.send')}
      </button>
    </form>
  );
}
