import { chatSubjects } from '../chat/endpoints.js';
import { callRpc } from '../kit/rpc.js';
import { answerPresence, roomMates, visiblePeople } from '../presence/visibility.js';
import type { RouteDeps } from './routes.js';

/** `GET /presence`: what `caller` may know of each of `users` (rooms from chat, blocks from the cache). */
export async function presenceFor(
  { nc, presence, blocks }: Pick<RouteDeps, 'nc' | 'presence' | 'blocks'>,
  caller: string,
  users: string[],
) {
  const roomsOf = await callRpc<Record<string, string[]>>(nc, chatSubjects.memberOf, {
    users: [...new Set([caller, ...users])],
  });
  const mates = roomMates(caller, users, roomsOf);
  const blockLists = new Map(
    await Promise.all(mates.map(async (u) => [u, await blocks.blockedBy(u)] as const)),
  );
  const visible = visiblePeople(caller, users, roomsOf, (u) => blockLists.get(u) ?? new Set());
  return answerPresence(users, visible, await presence.statuses([...visible]));
}
