// Configuration is read once at start from the environment, validated, and
// passed in. A missing or bad setting stops the process with one line naming it.

/** One environment variable and how to turn its text into a value. */
export interface Setting<T> {
  env: string;
  /** Returns the value, or throws an Error whose message says what is wrong. */
  parse(raw: string | undefined): T;
}

type Values<S> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

interface Common<T> {
  default?: T;
  /** Shown in the error so the operator knows what the setting is for. */
  description?: string;
}

function required<T>(env: string, opts: Common<T>, raw: string | undefined, parse: (raw: string) => T): T {
  if (raw === undefined || raw.trim() === '') {
    if (opts.default !== undefined) return opts.default;
    throw new Error(`is required${opts.description ? ` (${opts.description})` : ''}`);
  }
  return parse(raw.trim());
}

export const setting = {
  string(env: string, opts: Common<string> = {}): Setting<string> {
    return { env, parse: (raw) => required(env, opts, raw, (s) => s) };
  },

  int(env: string, opts: Common<number> & { min?: number; max?: number } = {}): Setting<number> {
    return {
      env,
      parse: (raw) =>
        required(env, opts, raw, (s) => {
          if (!/^-?\d+$/.test(s)) throw new Error(`must be a whole number (got "${s}")`);
          const n = Number(s);
          if (opts.min !== undefined && n < opts.min)
            throw new Error(`must be at least ${opts.min} (got ${n})`);
          if (opts.max !== undefined && n > opts.max)
            throw new Error(`must be at most ${opts.max} (got ${n})`);
          return n;
        }),
    };
  },

  port(env: string, opts: Common<number> = {}): Setting<number> {
    return setting.int(env, { ...opts, min: 0, max: 65535 });
  },

  bool(env: string, opts: Common<boolean> = {}): Setting<boolean> {
    return {
      env,
      parse: (raw) =>
        required(env, opts, raw, (s) => {
          if (/^(true|1|yes)$/i.test(s)) return true;
          if (/^(false|0|no)$/i.test(s)) return false;
          throw new Error(`must be true or false (got "${s}")`);
        }),
    };
  },

  oneOf<const V extends string>(env: string, values: readonly V[], opts: Common<V> = {}): Setting<V> {
    return {
      env,
      parse: (raw) =>
        required(env, opts, raw, (s) => {
          if (!(values as readonly string[]).includes(s)) {
            throw new Error(`must be one of ${values.join(', ')} (got "${s}")`);
          }
          return s as V;
        }),
    };
  },

  url(env: string, opts: Common<string> & { protocols: readonly string[] }): Setting<string> {
    return {
      env,
      parse: (raw) =>
        required(env, opts, raw, (s) => {
          let url: URL;
          try {
            url = new URL(s);
          } catch {
            throw new Error(`must be a URL (got "${redactUrl(s)}")`);
          }
          const protocol = url.protocol.replace(/:$/, '');
          if (!opts.protocols.includes(protocol)) {
            throw new Error(
              `must be a ${opts.protocols.map((p) => `${p}://`).join(' or ')} URL (got "${redactUrl(s)}")`,
            );
          }
          return s;
        }),
    };
  },

  /** A duration such as "250ms", "30s", "5m" or "1h", in milliseconds. */
  duration(env: string, opts: Common<number> = {}): Setting<number> {
    return { env, parse: (raw) => required(env, opts, raw, parseDuration) };
  },

  /** A comma-separated list; `check` throws an Error naming a bad item. Empty by default. */
  list(env: string, opts: Common<string[]> & { check?: (item: string) => void } = {}): Setting<string[]> {
    return {
      env,
      parse: (raw) =>
        required(env, { default: [], ...opts }, raw, (s) => {
          const items = s
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean);
          for (const item of items) opts.check?.(item);
          return items;
        }),
    };
  },

  /** A secret: never echoed back in errors. */
  secret(env: string, opts: Common<string> & { minLength?: number } = {}): Setting<string> {
    return {
      env,
      parse: (raw) =>
        required(env, opts, raw, (s) => {
          if (opts.minLength !== undefined && s.length < opts.minLength) {
            throw new Error(`must be at least ${opts.minLength} characters long`);
          }
          return s;
        }),
    };
  },
};

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!match) throw new Error(`must be a duration such as 500ms, 30s, 5m or 1h (got "${text}")`);
  return Math.round(Number(match[1]) * durationUnits[match[2]!]!);
}

function redactUrl(text: string): string {
  return text.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * Reads every setting of `spec` from `env`. Throws one ConfigError that names
 * each bad or missing variable, one per clause.
 */
export function parseConfig<S extends Record<string, Setting<unknown>>>(
  spec: S,
  env: Record<string, string | undefined>,
): Values<S> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, s] of Object.entries(spec)) {
    try {
      values[key] = s.parse(env[s.env]);
    } catch (err) {
      problems.push(`${s.env} ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`config: ${problems.join('; ')}`);
  return values as Values<S>;
}

/** parseConfig for a process entry point: a bad setting prints one line and exits with code 2. */
export function loadConfig<S extends Record<string, Setting<unknown>>>(
  spec: S,
  env: Record<string, string | undefined> = process.env,
): Values<S> {
  try {
    return parseConfig(spec, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
}
