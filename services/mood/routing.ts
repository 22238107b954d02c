// Which model scores what: the routing entry the operator writes from the
// MoodModel resources and every mood service follows. Pure, shared by both.

/** KV bucket of the routing entry and of one entry per published model. */
export const moodBucket = 'metachat_mood';
/** Object store of model bundles, each named by its digest. */
export const modelStore = 'metachat_mood_models';
export const routingKey = 'routing';
export const modelKey = (model: string) => `model.${model}`;

/** A model the operator has published: where its bytes are and what they are. */
export interface PublishedModel {
  name: string;
  digest: string;
  /** builtin: the bundle shipped in the image; store: the bundle in the object store, by digest. */
  source: 'builtin' | 'store';
}

/** The platform's models by role, by MoodModel name; no entry is the built-in model. */
export interface Routing {
  active: string | null;
  canary: { model: string; percent: number } | null;
}

export const noRouting: Routing = { active: null, canary: null };

/** What a MoodModel asks of routing, and when it was created (older wins a tie). */
export interface RoutingClaim {
  name: string;
  createdAt: string;
  active: boolean;
  canaryPercent: number;
}

export type RoutingRole = { role: 'active' | 'canary' | 'standby' } | { role: 'conflict'; message: string };

/**
 * The routing a platform's MoodModels ask for. Only one model can be active
 * and only one canary: the oldest claim wins, later ones are told why not.
 */
export function electRouting(claims: RoutingClaim[]): { routing: Routing; roles: Map<string, RoutingRole> } {
  const ordered = [...claims].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name),
  );
  const roles = new Map<string, RoutingRole>();
  let active: string | null = null;
  let canary: Routing['canary'] = null;
  for (const claim of ordered) {
    if (claim.active) {
      if (active === null) {
        active = claim.name;
        roles.set(claim.name, { role: 'active' });
      } else
        roles.set(claim.name, {
          role: 'conflict',
          message: `MoodModel ${active} is already the active model`,
        });
    } else if (claim.canaryPercent > 0) {
      if (canary === null) {
        canary = { model: claim.name, percent: claim.canaryPercent };
        roles.set(claim.name, { role: 'canary' });
      } else
        roles.set(claim.name, {
          role: 'conflict',
          message: `MoodModel ${canary.model} is already the canary`,
        });
    } else roles.set(claim.name, { role: 'standby' });
  }
  return { routing: { active, canary }, roles };
}

/** Whether the item with this key goes to the canary: a stable share of keys, by FNV-1a hash. */
export function goesToCanary(routing: Routing, key: string): boolean {
  if (!routing.canary) return false;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return hash % 100 < routing.canary.percent;
}

/** A routing entry read from the bucket; anything malformed is no routing (the built-in model). */
export function parseRouting(value: unknown): Routing {
  if (typeof value !== 'object' || value === null) return noRouting;
  const { active, canary } = value as Partial<Routing>;
  const validCanary =
    typeof canary === 'object' &&
    canary !== null &&
    typeof canary.model === 'string' &&
    Number.isInteger(canary.percent) &&
    canary.percent > 0 &&
    canary.percent <= 100;
  return { active: typeof active === 'string' ? active : null, canary: validCanary ? canary : null };
}
