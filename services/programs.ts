// The programs MetaChat's one entry point runs, and how its arguments choose one.
// Pure: services/main.ts does the loading, so this can be shared (the operator's
// plans name these programs in their Deployments' args).

/** Each program's name (the entry point's first argument) and what it does. */
export const programs = {
  operator: 'reconciles MetaChat, ChatRoom and MoodModel resources (Kubernetes operator)',
  gateway: 'REST API under /api/v1 and the WebSocket at /ws',
  identity: 'registration, login, tokens, profiles, blocks',
  chat: 'rooms, membership and messages',
  mood: 'emotion scores for entries and messages',
  diary: 'diary entries',
  portrait: 'per-user mood aggregates and interests',
  matching: 'similar users and content recommendations',
  notifications: 'notices to offline users and webhooks',
} as const;

export type ProgramName = keyof typeof programs;

export const programNames = Object.keys(programs) as ProgramName[];

export type Choice =
  | { kind: 'run'; program: ProgramName }
  | { kind: 'help'; text: string }
  /** A usage error: one line for stderr, exit status 2. */
  | { kind: 'usage'; message: string };

const isProgram = (name: string): name is ProgramName => Object.hasOwn(programs, name);

export function helpText(command = 'metachat'): string {
  const width = Math.max(...programNames.map((n) => n.length));
  const lines = programNames.map((name) => `  ${name.padEnd(width)}  ${programs[name]}`);
  return [
    `usage: ${command} <program>`,
    '',
    'programs:',
    ...lines,
    '',
    'Each program reads its settings from the environment.',
    '',
  ].join('\n');
}

/** Which program the command-line arguments (without node and the script) ask for. */
export function chooseProgram(args: readonly string[], command = 'metachat'): Choice {
  const [first, ...rest] = args;
  const known = `one of: ${programNames.join(', ')}`;
  if (first === undefined || first === '')
    return { kind: 'usage', message: `${command}: name a program (${known}); --help lists them` };
  if (first === '--help' || first === '-h' || first === 'help')
    return { kind: 'help', text: helpText(command) };
  if (!isProgram(first))
    return { kind: 'usage', message: `${command}: unknown program "${first}" (${known})` };
  if (rest.length > 0)
    return {
      kind: 'usage',
      message: `${command}: ${first} takes no further arguments (got "${rest.join(' ')}"); settings come from the environment`,
    };
  return { kind: 'run', program: first };
}
