import { createHash } from 'node:crypto';
import type { ChatRoomSpec } from '../api/chatroom.js';

// ChatRoom spec → the room the chat service should have: pure, so it is unit-tested without servers.

/**
 * The room id of a ChatRoom: derived from namespace and name, so the same
 * resource always means the same room (across operator restarts and replicas)
 * and fits the chat service's id rules.
 */
export function roomIdOf(namespace: string, name: string): string {
  return `k_${createHash('sha256').update(`${namespace}/${name}`).digest('base64url').slice(0, 24)}`;
}

/** The declared people of a room: emails, to be resolved into user ids by the identity service. */
export function declaredEmails(spec: ChatRoomSpec): string[] {
  const normal = (e: string) => e.trim().toLowerCase();
  return [...new Set([...(spec.owners ?? []), ...(spec.members ?? [])].map(normal))];
}

export interface RoomDeclarationPlan {
  command: {
    type: 'configure';
    name: string;
    kind: 'group' | 'announcement';
    visibility: 'public' | 'private';
    owners: string[];
    members: string[];
    settings: {
      maxMembers: number;
      rateLimitPerMinute: number;
      retention: { maxAgeSeconds: number; maxMessages: number };
      moderation: { blockedWords: string[]; action: 'flag' | 'hide' | 'reject'; moodModel: string };
    };
  };
  /** Declared emails with no account yet. */
  pending: string[];
}

/**
 * The configure command for the room. An owner listed as a member too is an
 * owner; emails without an account are left out and reported as pending.
 */
export function planRoom(spec: ChatRoomSpec, userIds: Record<string, string>): RoomDeclarationPlan {
  const pending: string[] = [];
  const idsOf = (emails: readonly string[] | undefined) => {
    const ids: string[] = [];
    for (const email of emails ?? []) {
      const id = userIds[email.trim().toLowerCase()];
      if (id) ids.push(id);
      else if (!pending.includes(email)) pending.push(email);
    }
    return [...new Set(ids)].sort();
  };
  const owners = idsOf(spec.owners);
  const members = idsOf(spec.members).filter((id) => !owners.includes(id));
  return {
    command: {
      type: 'configure',
      name: spec.displayName,
      kind: spec.kind ?? 'group',
      visibility: spec.visibility ?? 'private',
      owners,
      members,
      settings: {
        maxMembers: spec.maxMembers ?? 10_000,
        rateLimitPerMinute: spec.rateLimit?.messagesPerMinute ?? 0,
        retention: {
          maxAgeSeconds: (spec.retention?.maxAgeDays ?? 0) * 86_400,
          maxMessages: spec.retention?.maxMessages ?? 0,
        },
        moderation: {
          blockedWords: [...(spec.moderation?.blockedWords ?? [])],
          action: spec.moderation?.action ?? 'flag',
          moodModel: spec.moderation?.moodModelRef?.name ?? '',
        },
      },
    },
    pending: pending.sort(),
  };
}
