import { parseConfig, setting } from '../../services/kit/config.js';

/**
 * Where `make dev` listens and keeps its data. Every port has a fixed default
 * away from the servers' usual ones (so a NATS or Redis already on the machine
 * never collides); METACHAT_DEV_BASE_PORT moves them all at once, to base +
 * the offset below, with data in `.dev-<base>`, so a second platform runs
 * beside the first with one setting. A per-server variable still wins.
 */
const ports = {
  gateway: { env: 'METACHAT_DEV_GATEWAY_PORT', fixed: 18080, offset: 0 },
  kube: { env: 'METACHAT_DEV_KUBE_PORT', fixed: 16443, offset: 1 },
  mongo: { env: 'METACHAT_DEV_MONGO_PORT', fixed: 27018, offset: 2 },
  nats: { env: 'METACHAT_DEV_NATS_PORT', fixed: 14222, offset: 3 },
  redis: { env: 'METACHAT_DEV_REDIS_PORT', fixed: 16379, offset: 4 },
  chatOps: { env: 'METACHAT_DEV_CHAT_OPS_PORT', fixed: 19091, offset: 11 },
  identityOps: { env: 'METACHAT_DEV_IDENTITY_OPS_PORT', fixed: 19092, offset: 12 },
  gatewayOps: { env: 'METACHAT_DEV_GATEWAY_OPS_PORT', fixed: 19093, offset: 13 },
  operatorOps: { env: 'METACHAT_DEV_OPERATOR_OPS_PORT', fixed: 19094, offset: 14 },
  moodOps: { env: 'METACHAT_DEV_MOOD_OPS_PORT', fixed: 19095, offset: 15 },
  diaryOps: { env: 'METACHAT_DEV_DIARY_OPS_PORT', fixed: 19096, offset: 16 },
  portraitOps: { env: 'METACHAT_DEV_PORTRAIT_OPS_PORT', fixed: 19097, offset: 17 },
  matchingOps: { env: 'METACHAT_DEV_MATCHING_OPS_PORT', fixed: 19098, offset: 18 },
  notificationsOps: { env: 'METACHAT_DEV_NOTIFICATIONS_OPS_PORT', fixed: 19099, offset: 19 },
} as const;

type PortName = keyof typeof ports;
export type DevSettings = Record<PortName, number> & { dir: string };

/** The highest offset above: a base must leave room for it below 65536. */
const span = Math.max(...Object.values(ports).map((p) => p.offset));

/** Reads `make dev`'s settings; throws a ConfigError naming every bad variable. */
export function devSettings(env: Record<string, string | undefined>): DevSettings {
  // The default 0 stands for "not set": defaults are not range-checked, values given are.
  const { base } = parseConfig(
    { base: setting.int('METACHAT_DEV_BASE_PORT', { default: 0, min: 1024, max: 65535 - span }) },
    env,
  );
  const spec = Object.fromEntries(
    Object.entries(ports).map(([name, p]) => [
      name,
      setting.port(p.env, { default: base ? base + p.offset : p.fixed }),
    ]),
  ) as Record<PortName, ReturnType<typeof setting.port>>;
  return parseConfig(
    { ...spec, dir: setting.string('METACHAT_DEV_DIR', { default: base ? `.dev-${base}` : '.dev' }) },
    env,
  );
}
