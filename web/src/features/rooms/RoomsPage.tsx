import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { describeError } from '../../app/errors';
import { useProfile } from '../auth/use-profile';
import { roomIdFrom, useCreateRoom, useRooms } from './use-rooms';

const when = (at: number, lng: string) =>
  new Intl.DateTimeFormat(lng, { dateStyle: 'medium', timeStyle: 'short' }).format(at);

export function RoomsPage() {
  const { t, i18n } = useTranslation();
  const rooms = useRooms();
  const profile = useProfile();
  return (
    <main className="page">
      <h1>{t('rooms.title')}</h1>
      {rooms.isPending && <p role="status">{t('app.loading')}</p>}
      {rooms.error && <p role="alert">{describeError(rooms.error, t)}</p>}
      {rooms.data && rooms.data.rooms.length === 0 && <p>{t('rooms.empty')}</p>}
      <ul className="rooms" aria-label={t('rooms.title')}>
        {rooms.data?.rooms.map((room) => {
          const unread = (room as { unread?: number }).unread ?? 0;
          return (
            <li key={room.id}>
              <Link to={`/rooms/${room.id}`}>
                <span className="room-name">{room.name}</span>
                {unread > 0 && <span className="badge">{t('rooms.unread', { count: unread })}</span>}
              </Link>
              {room.lastActivityAt > 0 && (
                <small>{t('rooms.lastActivity', { when: when(room.lastActivityAt, i18n.language) })}</small>
              )}
            </li>
          );
        })}
      </ul>
      <div className="grid-2">
        <CreateRoom />
        <OpenRoom />
      </div>
      {profile.data && <p className="hint">{t('rooms.yourId', { id: profile.data.id })}</p>}
    </main>
  );
}

function CreateRoom() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const create = useCreateRoom();
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const { id } = await create.mutateAsync({
      name: String(form.get('name')).trim(),
      visibility: form.get('public') ? 'public' : 'private',
    });
    void navigate(`/rooms/${id}`);
  }
  return (
    <form className="card" onSubmit={(e) => void submit(e).catch(() => undefined)}>
      <h2>{t('rooms.create')}</h2>
      <label>
        {t('rooms.name')}
        <input name="name" required maxLength={100} />
      </label>
      <label className="check">
        <input type="checkbox" name="public" defaultChecked />
        {t('rooms.public')}
      </label>
      {create.error && <p role="alert">{describeError(create.error, t)}</p>}
      <button type="submit" disabled={create.isPending}>
        {t('rooms.createButton')}
      </button>
    </form>
  );
}

function OpenRoom() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [value, setValue] = useState('');
  const id = roomIdFrom(value);
  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault();
        if (id) void navigate(`/rooms/${id}`);
      }}
    >
      <h2>{t('rooms.open')}</h2>
      <label>
        {t('rooms.openId')}
        <input name="room" value={value} onChange={(e) => setValue(e.target.value)} required />
      </label>
      <button type="submit" disabled={!id}>
        {t('rooms.openButton')}
      </button>
    </form>
  );
}
