import { expect } from 'chai';
import { isRejection } from '../actors/types.js';
import { diaryActor } from './diary.js';
import type { DiaryEvent, DiaryState } from './diary-model.js';

const ctx = { actorId: 'u1', commandId: 'c1', at: 1000 };

function run(commands: unknown[]): { state: DiaryState; events: DiaryEvent[]; results: unknown[] } {
  let state = diaryActor.initialState('u1');
  const events: DiaryEvent[] = [];
  const results: unknown[] = [];
  for (const raw of commands) {
    const command = diaryActor.parseCommand(raw);
    if (isRejection(command)) {
      results.push(command);
      continue;
    }
    const decided = diaryActor.decide(state, command, ctx);
    results.push(decided);
    if (isRejection(decided)) continue;
    for (const event of decided) state = diaryActor.evolve(state, event);
    events.push(...decided);
  }
  return { state, events, results };
}

describe('diary actor', () => {
  it('writes an entry with normalised tags, and edits only what changed', () => {
    const { events, state } = run([
      { type: 'write', entry: 'e_1', text: '  A good day  ', tags: ['Hiking', 'hiking', 'Лес'] },
      { type: 'edit', entry: 'e_1', text: 'A good day', mood: 2 },
      { type: 'edit', entry: 'e_1', mood: 2 },
    ]);
    expect(events).to.deep.equal([
      {
        type: 'EntryWritten',
        entry: 'e_1',
        title: '',
        text: 'A good day',
        tags: ['hiking', 'лес'],
        mood: null,
        shared: false,
        at: 1000,
      },
      { type: 'EntryEdited', entry: 'e_1', mood: 2, at: 1000 },
    ]);
    expect(Object.keys(state.entries)).to.deep.equal(['e_1']);
    expect(JSON.stringify(state)).to.not.include('good day'); // fingerprints, not text
  });

  it('writes entries private unless shared, and shares or unshares one by an edit', () => {
    const { events } = run([
      { type: 'write', entry: 'e_1', text: 'for everyone', shared: true },
      { type: 'edit', entry: 'e_1', shared: true },
      { type: 'edit', entry: 'e_1', shared: false },
    ]);
    expect(events.map((e) => (e.type === 'EntryDeleted' ? e.type : [e.type, e.shared]))).to.deep.equal([
      ['EntryWritten', true],
      ['EntryEdited', false],
    ]);
  });

  it('refuses a second write of an id, and edits or deletes of entries that do not exist', () => {
    const { results } = run([
      { type: 'write', entry: 'e_1', text: 'one' },
      { type: 'write', entry: 'e_1', text: 'again' },
      { type: 'delete', entry: 'e_1' },
      { type: 'edit', entry: 'e_1', text: 'gone' },
      { type: 'delete', entry: 'e_1' },
    ]);
    const codes = results.map((r) => (isRejection(r) ? r.code : 'ok'));
    expect(codes).to.deep.equal(['ok', 'entry_exists', 'ok', 'entry_not_found', 'entry_not_found']);
  });

  it('rejects malformed commands naming the problem', () => {
    const messages = run([
      { type: 'write', entry: 'e_1' },
      { type: 'write', entry: 'e_1', text: { $gt: '' } },
      { type: 'write', entry: '../x', text: 'a' },
      { type: 'write', entry: 'e_1', text: 'a', mood: 3 },
      { type: 'write', entry: 'e_1', text: 'a', tags: ['a b'] },
      { type: 'edit', entry: 'e_1' },
      { type: 'edit', entry: 'e_1', shared: 'yes' },
      { type: 'write', entry: 'e_1', text: 'a', sneaky: 1 },
      'not an object',
    ]).results.map((r) => (isRejection(r) ? r.message : 'accepted'));
    expect(messages).to.deep.equal([
      'text is required',
      'text must be a string',
      'entry must be an entry id',
      'mood must be a whole number from -2 to 2, or null',
      'tags[0] must be 1-40 letters, digits, _ or -',
      'give at least one of title, text, tags, mood, shared',
      'shared must be true or false',
      'unknown field: sneaky',
      'a command must be a JSON object',
    ]);
  });
});
