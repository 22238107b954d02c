import { currentTrace } from './trace.js';

export const logLevels = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  service: string;
  level?: LogLevel;
  /** Where lines go; standard output by default. */
  write?: (line: string) => void;
  now?: () => Date;
}

/** Keys every line carries; fields cannot override them. */
const reserved = new Set([
  'timestamp',
  'level',
  'service',
  'message',
  'trace_id',
  'correlation_id',
  'span_id',
]);

/**
 * Formats one log line as JSON. Pure: the trace and clock come in. Errors are
 * flattened to name, message and stack so they survive JSON.
 */
export function formatLogLine(
  entry: { timestamp: Date; level: LogLevel; service: string; message: string },
  trace: { traceId: string; spanId: string; correlationId: string } | undefined,
  fields: LogFields,
): string {
  const line: Record<string, unknown> = {
    timestamp: entry.timestamp.toISOString(),
    level: entry.level,
    service: entry.service,
    message: entry.message,
    trace_id: trace?.traceId ?? null,
    correlation_id: trace?.correlationId ?? null,
    span_id: trace?.spanId ?? null,
  };
  for (const [key, value] of Object.entries(fields)) {
    if (reserved.has(key) || value === undefined) continue;
    line[key] =
      value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  }
  return JSON.stringify(line, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
}

export function createLogger(options: LoggerOptions): Logger {
  const threshold = logLevels.indexOf(options.level ?? 'info');
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());

  const make = (bound: LogFields): Logger => {
    const emit = (level: LogLevel, message: string, fields?: LogFields) => {
      if (logLevels.indexOf(level) < threshold) return;
      const entry = { timestamp: now(), level, service: options.service, message };
      write(formatLogLine(entry, currentTrace(), { ...bound, ...fields }));
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (fields) => make({ ...bound, ...fields }),
    };
  };
  return make({});
}
