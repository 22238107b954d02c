import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { MetaChatError } from '@metachat/sdk';
import { newClientId } from '../../app/client-id';
import { useSession } from '../auth/session-context';
import { isUnauthorized } from '../auth/session';
import { addPending, applyEvent, confirmSent, failSend, fromHistory, type Timeline } from './timeline';

export const timelineKey = (room: string) => ['room', room, 'timeline'] as const;

/** The room's last 50 messages; live events keep it current afterwards, so it is never refetched. */
export function useTimeline(room: string) {
  const session = useSession();
  return useQuery({
    queryKey: timelineKey(room),
    queryFn: async () => fromHistory((await session.call((c) => c.history(room, { limit: 50 }))).messages),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    retry: (count, err) => !(err instanceof MetaChatError && err.status < 500) && count < 3,
  });
}

const update = (qc: QueryClient, room: string, change: (t: Timeline) => Timeline) =>
  qc.setQueryData<Timeline>(timelineKey(room), (t) => (t ? change(t) : t));

/**
 * Follows the room over the WebSocket from the timeline's last sequence and
 * writes each event into the query cache. A refused token (4401) refreshes
 * the session and opens a new stream from where the cache is.
 */
export function useLiveRoom(room: string, ready: boolean): 'connecting' | 'live' {
  const session = useSession();
  const qc = useQueryClient();
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<'connecting' | 'live'>('connecting');
  useEffect(() => {
    if (!ready) return;
    let stopped = false;
    let close = () => {};
    void (async () => {
      const after = qc.getQueryData<Timeline>(timelineKey(room))?.lastSeq ?? 0;
      const stream = await session.events({ [room]: after });
      close = () => stream.close();
      if (stopped) return close();
      void stream.subscribed.then(() => !stopped && setState('live'));
      try {
        for await (const event of stream) update(qc, room, (t) => applyEvent(t, event));
      } catch (err) {
        if (stopped || !isUnauthorized(err)) return;
        setState('connecting');
        await session.refresh().then(
          () => setGeneration((g) => g + 1),
          () => undefined,
        );
      }
    })();
    return () => {
      stopped = true;
      close();
    };
  }, [room, ready, generation, session, qc]);
  return state;
}

/** Sends with optimistic display: the message shows at once, then gets its sequence, or a retry. */
export function useSend(room: string, author: string) {
  const session = useSession();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ text, clientId }: { text: string; clientId: string }) =>
      session.call((c) => c.send(room, text, clientId)),
    onMutate: ({ text, clientId }) => update(qc, room, (t) => addPending(t, { clientId, author, text })),
    onSuccess: ({ seq }, { clientId }) => update(qc, room, (t) => confirmSent(t, clientId, seq)),
    onError: (_err, { clientId }) => update(qc, room, (t) => failSend(t, clientId)),
  });
}

export const sendArgs = (text: string, clientId = newClientId()) => ({ text, clientId });

export function useJoin(room: string) {
  const session = useSession();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => session.call((c) => c.api('POST', `/rooms/${encodeURIComponent(room)}/join`)),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: timelineKey(room) });
      void qc.invalidateQueries({ queryKey: ['rooms'] });
    },
  });
}

export function useInvite(room: string) {
  const session = useSession();
  return useMutation({
    mutationFn: (user: string) =>
      session.call((c) => c.api('POST', `/rooms/${encodeURIComponent(room)}/invitations`, { user })),
  });
}
