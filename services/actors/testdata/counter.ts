// A small actor type for the runtime's tests and benchmark: a counter that
// adds amounts until closed. Written the way business actors are: pure.
import { reject, type ActorType, type Rejection } from '../types.js';

export interface CounterState {
  total: number;
  adds: number;
  closed: boolean;
}
/** `note`: an optional text carried into the event (tests use it to make an event large). */
export type CounterCommand =
  { type: 'add'; amount: number; note?: string } | { type: 'close' } | { type: 'explode' };
export type CounterEvent = { type: 'Added'; amount: number; note?: string } | { type: 'Closed' };

function parseCommand(raw: unknown): CounterCommand | Rejection {
  const c = raw as Partial<Record<string, unknown>> | null;
  if (typeof c !== 'object' || c === null) return reject('invalid_command', 'command must be an object');
  if (c.type === 'add') {
    if (!Number.isInteger(c.amount) || (c.amount as number) < 1 || (c.amount as number) > 1000) {
      return reject('invalid_command', 'amount must be a whole number from 1 to 1000');
    }
    if (c.note !== undefined && (typeof c.note !== 'string' || c.note.length > 100_000))
      return reject('invalid_command', 'note must be a text of at most 100,000 characters');
    return { type: 'add', amount: c.amount as number, ...(c.note !== undefined ? { note: c.note } : {}) };
  }
  if (c.type === 'close' || c.type === 'explode') return { type: c.type };
  return reject('invalid_command', 'type must be add, close or explode');
}

function parseEvent(raw: unknown): CounterEvent | Rejection {
  const e = raw as Partial<Record<string, unknown>> | null;
  if (e?.type === 'Added' && typeof e.amount === 'number')
    return { type: 'Added', amount: e.amount, ...(typeof e.note === 'string' ? { note: e.note } : {}) };
  if (e?.type === 'Closed') return { type: 'Closed' };
  return reject('invalid_event', 'not a counter event');
}

export function counterType(
  name = 'counter',
): ActorType<CounterState, CounterCommand, CounterEvent, { type: 'state' }, { total: number }> {
  return {
    name,
    initialState: () => ({ total: 0, adds: 0, closed: false }),
    parseCommand,
    parseEvent,
    decide(state, command) {
      if (command.type === 'explode') throw new Error('the explode command always throws');
      if (state.closed) return reject('closed', 'the counter is closed');
      if (command.type === 'close') return [{ type: 'Closed' }];
      const { amount, note } = command;
      return [{ type: 'Added', amount, ...(note !== undefined ? { note } : {}) }];
    },
    evolve(state, event) {
      return event.type === 'Added'
        ? { ...state, total: state.total + event.amount, adds: state.adds + 1 }
        : { ...state, closed: true };
    },
    reply: (state) => ({ total: state.total }),
    parseQuery: (raw) =>
      (raw as { type?: unknown } | null)?.type === 'state'
        ? { type: 'state' }
        : reject('invalid_query', 'unknown query'),
    query: (state) => state,
  };
}
