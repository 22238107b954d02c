import type { MetaChat } from '../../services/sdk/index.js';

/**
 * Registers `people` accounts (client i from `clientFor(i)`) and has `owner`
 * create `rooms` rooms with all of them as members: the set-up of the load tests.
 */
export async function crowdInRooms(
  owner: MetaChat,
  clientFor: (i: number) => MetaChat,
  counts: { people: number; rooms: number; name: string },
): Promise<{ people: { c: MetaChat; id: string }[]; roomIds: string[] }> {
  const { name } = counts;
  const people = await Promise.all(
    Array.from({ length: counts.people }, async (_, i) => {
      const c = clientFor(i);
      const id = (await c.register(`${name}${i}@example.com`, `${name} ${i}`, `${name}-password`)).id;
      return { c, id };
    }),
  );
  const members = people.map((p) => p.id);
  const roomIds = await Promise.all(
    Array.from({ length: counts.rooms }, async (_, r) => {
      const { id } = await owner.createRoom(`${name} ${r}`, { members });
      await Promise.all(people.map((p) => p.c.acceptInvitation(id)));
      return id;
    }),
  );
  return { people, roomIds };
}
