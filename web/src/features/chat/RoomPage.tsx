import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { MetaChatError } from '@metachat/sdk';
import { describeError } from '../../app/errors';
import { useProfile } from '../auth/use-profile';
import { useRooms } from '../rooms/use-rooms';
import { Composer } from './Composer';
import { MessageList } from './MessageList';
import { sendArgs, useInvite, useJoin, useLiveRoom, useSend, useTimeline } from './use-room';

const notMember = (err: unknown) =>
  err instanceof MetaChatError && (err.status === 403 || err.status === 404);

export function RoomPage() {
  const { room = '' } = useParams();
  const { t } = useTranslation();
  const me = useProfile().data?.id;
  const name = useRooms().data?.rooms.find((r) => r.id === room)?.name ?? room;
  const timeline = useTimeline(room);
  const live = useLiveRoom(room, timeline.isSuccess);
  const send = useSend(room, me ?? '');
  const join = useJoin(room);

  return (
    <main className="page room">
      <header className="room-header">
        <Link to="/">← {t('chat.back')}</Link>
        <h1>{name}</h1>
        {timeline.isSuccess && (
          <span className={`live ${live}`} role="status">
            {live === 'live' ? t('chat.live') : t('chat.connecting')}
          </span>
        )}
      </header>
      {timeline.isPending && <p role="status">{t('app.loading')}</p>}
      {timeline.error &&
        (notMember(timeline.error) ? (
          <div className="card">
            <p>{t('chat.notMember')}</p>
            {join.error && <p role="alert">{describeError(join.error, t)}</p>}
            <button type="button" onClick={() => join.mutate()} disabled={join.isPending}>
              {t('chat.join')}
            </button>
          </div>
        ) : (
          <p role="alert">{describeError(timeline.error, t)}</p>
        ))}
      {timeline.data && (
        <>
          <MessageList
            messages={timeline.data.messages}
            me={me}
            onRetry={(m) => send.mutate(sendArgs(m.text, m.clientId))}
          />
          <Composer room={room} onSend={(text) => send.mutate(sendArgs(text))} disabled={!me} />
          <Invite room={room} />
        </>
      )}
    </main>
  );
}

function Invite({ room }: { room: string }) {
  const { t } = useTranslation();
  const invite = useInvite(room);
  const [user, setUser] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate(user.trim(), { onSuccess: () => setUser('') });
  };
  return (
    <details className="invite">
      <summary>{t('chat.invite')}</summary>
      <form onSubmit={submit}>
        <label>
          {t('chat.inviteId')}
          <input value={user} onChange={(e) => setUser(e.target.value)} required />
        </label>
        <button type="submit" disabled={invite.isPending}>
          {t('chat.inviteButton')}
        </button>
        {invite.isSuccess && <p role="status">{t('chat.invited')}</p>}
        {invite.error && <p role="alert">{describeError(invite.error, t)}</p>}
      </form>
    </details>
  );
}
