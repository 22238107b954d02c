// The one entry point of the image: `main.js <program>` runs that program
// (`--help` lists them). Each program's own main module starts it on import.
import { chooseProgram, type ProgramName } from './programs.js';

const start: Record<ProgramName, () => Promise<unknown>> = {
  operator: () => import('../operator/src/main.js'),
  gateway: () => import('./gateway/main.js'),
  identity: () => import('./identity/main.js'),
  chat: () => import('./chat/main.js'),
  mood: () => import('./mood/main.js'),
  diary: () => import('./diary/main.js'),
  portrait: () => import('./portrait/main.js'),
  matching: () => import('./matching/main.js'),
  notifications: () => import('./notifications/main.js'),
};

const choice = chooseProgram(process.argv.slice(2));
if (choice.kind === 'help') process.stdout.write(choice.text);
else if (choice.kind === 'usage') {
  process.stderr.write(`${choice.message}\n`);
  process.exitCode = 2;
} else await start[choice.program]();
