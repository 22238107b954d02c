// Pure placement decisions: which partition an actor lives in and which
// replica should own each partition.

/** FNV-1a 32-bit: stable across processes and languages, good spread for short ids. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** MurmurHash3's finaliser: every input bit affects every output bit. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function partitionOf(actorId: string, partitions: number): number {
  return fnv1a(actorId) % partitions;
}

/**
 * Rendezvous (highest random weight) hashing: the preferred owner of each
 * partition among the live members. Adding or removing one member moves only
 * that member's share, so partitions do not reshuffle when replicas come and go.
 */
export function preferredOwner(partition: number, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const member of members) {
    const weight = mix32(fnv1a(member) ^ Math.imul(partition + 1, 0x9e3779b1));
    if (weight > bestWeight || (weight === bestWeight && best !== undefined && member < best)) {
      best = member;
      bestWeight = weight;
    }
  }
  return best;
}

/** The partitions `self` should own given the live members (itself included). */
export function partitionsFor(self: string, members: readonly string[], partitions: number): Set<number> {
  const live = members.includes(self) ? members : [...members, self];
  const mine = new Set<number>();
  for (let p = 0; p < partitions; p++) if (preferredOwner(p, live) === self) mine.add(p);
  return mine;
}

/** Subject-safe ids: commands and actor ids travel inside NATS subjects. */
export const safeIdPattern = /^[A-Za-z0-9_-]{1,128}$/;
