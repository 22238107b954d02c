import type { NatsConnection } from '@nats-io/transport-node';
import { callRpc } from '../kit/rpc.js';
import { identitySubjects } from './endpoints.js';

/** Someone as others see them: the name they chose, beside their id. */
export interface Person {
  id: string;
  displayName: string;
}

export { maxPeopleAsked } from './input.js';

/** The accounts among `users` (each at most once), with their display names; unknown ids are left out. */
export async function lookUpPeople(nc: NatsConnection, users: string[]): Promise<Person[]> {
  if (users.length === 0) return [];
  const { known } = await callRpc<{ known: Person[] }>(nc, identitySubjects.known, { users });
  return known;
}
