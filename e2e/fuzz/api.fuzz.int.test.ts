import { expect } from 'chai';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { MetaChat, liveSocketUrl } from '../../services/sdk/index.js';
import type { Platform } from '../platform.js';
import { startTestPlatform } from '../test-platform.js';
import {
  anyValue,
  bodyFor,
  deeplyNested,
  hostileString,
  hostileValue,
  objectFor,
  rawBody,
  type Schema,
} from './inputs.js';

// Property-based fuzzing of every REST operation in the served OpenAPI
// document and every WebSocket frame type, against the running platform.
// METACHAT_FUZZ_RUNS sets the cases per operation (`make fuzz` runs many),
// METACHAT_FUZZ_SEED the seed (fixed, so a failure reproduces), and
// METACHAT_FUZZ_ONLY narrows the run to the operations whose name contains it.

const runs = Number(process.env.METACHAT_FUZZ_RUNS ?? 12);
const seed = Number(process.env.METACHAT_FUZZ_SEED ?? 2026);
const only = process.env.METACHAT_FUZZ_ONLY;

interface Operation {
  name: string;
  method: string;
  path: string;
  parameters: { name: string; in: string; schema: Schema }[];
  body?: Schema;
  secured: boolean;
}

/** The operations of an OpenAPI document; those that end a session or a membership last. */
function operationsOf(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      name: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      path,
      parameters: (op.parameters ?? []) as Operation['parameters'],
      body: (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content?.[
        'application/json'
      ]?.schema,
      secured: Array.isArray(op.security),
    })),
  );
  const last = (op: Operation) => (op.method === 'DELETE' || /leave|logout|deletion/.test(op.path) ? 1 : 0);
  return ops.sort((a, b) => last(a) - last(b));
}

const asText = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));

/** Percent-encoding that also sends lone surrogates (as their three UTF-8-style bytes) instead of throwing. */
const encode = (v: unknown) =>
  asText(v)
    .split(/([\ud800-\udfff])/u)
    .map((part) => {
      const c = part.length === 1 ? part.charCodeAt(0) : 0;
      if (c < 0xd800 || c > 0xdfff) return encodeURIComponent(part);
      return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    })
    .join('');

interface Finding {
  operation: string;
  cases: number;
  ms: number;
  failure?: string;
}

/** The invariants of every answer: no 5xx, errors in the project's format. */
function checkAnswer(status: number, text: string) {
  expect(status, `a 5xx: ${text.slice(0, 300)}`).to.be.below(500);
  if (status < 400) return;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`error ${status} is not JSON: ${text.slice(0, 300)}`);
  }
  expect(body.error, `error code in ${text.slice(0, 300)}`)
    .to.be.a('string')
    .with.length.above(0);
  expect(body.message, `message in ${text.slice(0, 300)}`).to.be.a('string');
  expect(body.code, `code in ${text.slice(0, 300)}`).to.equal(status);
}

/** A value as text; fast-check's printer recurses, so deeply nested values go through JSON. */
function printed(value: unknown) {
  try {
    return fc.stringify(value);
  } catch {
    try {
      return JSON.stringify(value);
    } catch {
      return '(nested too deeply to print)';
    }
  }
}

/** fast-check's report of a failure (seed, path, shrunk counterexample, error), huge values cut short. */
function failureOf<T>(details: fc.RunDetails<T>) {
  const cut = (text: string) =>
    text.length > 1500 ? `${text.slice(0, 1500)}… (${text.length} chars)` : text;
  return [
    `seed ${details.seed}, path "${details.counterexamplePath}" (METACHAT_FUZZ_SEED=${details.seed})`,
    `counterexample: ${cut(printed(details.counterexample))}`,
    `error: ${cut(String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance))}`,
  ].join('\n');
}

const metric = async (opsPort: number, name: string) => {
  const text = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)![1]);
};

describe('fuzzing every REST operation and WebSocket frame (services as processes)', function () {
  this.timeout(process.env.METACHAT_FUZZ_RUNS ? 0 : 180_000);
  let platform: Platform;
  let base: string;
  let owner: MetaChat;
  let throwaway: MetaChat;
  let known: Record<string, readonly unknown[]>;
  const findings: Finding[] = [];
  let rssBefore: number;

  before(async () => {
    platform = await startTestPlatform('fuzz', { moodLayer: true, notifications: true });
    base = platform.gateways[0]!.url;
    const client = () => new MetaChat({ baseUrl: base, WebSocket: WebSocket as never });
    [owner, throwaway] = [client(), client()];
    const other = client();
    const ownerId = (await owner.register('fuzz-owner@example.com', 'Owner', 'owner-password')).id;
    const otherId = (await other.register('fuzz-other@example.com', 'Other', 'other-password')).id;
    await throwaway.register('fuzz-throwaway@example.com', 'Throwaway', 'throwaway-password');
    const room = (await owner.createRoom('Fuzz', { members: [otherId] })).id;
    await other.acceptInvitation(room);
    const { seq } = await owner.send(room, 'hello fuzz');
    const entry = await owner.api<{ id: string }>('POST', '/diary/entries', {
      title: 'A day',
      text: 'a good day',
      shared: true,
    });
    known = {
      room: [room],
      seq: [seq, 1],
      user: [otherId, ownerId],
      entry: [entry.id],
      emoji: ['👍'],
      users: [otherId, `${otherId},${ownerId}`],
      members: [[otherId]],
      email: ['fuzz-owner@example.com'],
    };
    rssBefore = await metric(platform.gateways[0]!.process.opsPort, 'process_resident_memory_bytes');
  });

  after(async function () {
    this.timeout(60_000);
    if (findings.length) {
      console.log(`\n  fuzz seed ${seed}, ${runs} runs per operation`);
      for (const f of findings)
        console.log(
          `  ${f.operation.padEnd(58)} ${String(f.cases).padStart(6)} cases ${(f.cases / (f.ms / 1000)).toFixed(0).padStart(5)}/s  ${f.failure ? 'FINDING' : 'ok'}`,
        );
      for (const f of findings.filter((f) => f.failure))
        console.log(`\n  FINDING ${f.operation}\n${f.failure}`);
      const cases = findings.reduce((n, f) => n + f.cases, 0);
      const ms = findings.reduce((n, f) => n + f.ms, 0);
      console.log(
        `  total ${cases} cases in ${(ms / 1000).toFixed(1)} s: ${(cases / (ms / 1000)).toFixed(0)} cases/s`,
      );
    }
    await platform?.stop();
  });

  /** Runs one property and records its figures; a failure keeps fast-check's report (seed, path, counterexample). */
  async function fuzz<T>(operation: string, arb: fc.Arbitrary<T>, predicate: (t: T) => Promise<void>) {
    if (only && !operation.includes(only)) return;
    const started = Date.now();
    const details = await fc.check(fc.asyncProperty(arb, predicate), {
      numRuns: runs,
      seed,
      endOnFailure: false,
    });
    findings.push({
      operation,
      cases: details.numRuns,
      ms: Date.now() - started,
      ...(details.failed ? { failure: failureOf(details) } : {}),
    });
  }

  it('answers every REST operation of the OpenAPI document with no 5xx and errors in the error format', async () => {
    const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as Parameters<
      typeof operationsOf
    >[0];
    const operations = operationsOf(doc);
    expect(operations.length).to.be.above(30);
    for (const op of operations) {
      const { body } = op;
      const pathParams = op.parameters.filter((p) => p.in === 'path');
      const queryParams = op.parameters.filter((p) => p.in === 'query');
      const request = fc.record({
        path: fc.tuple(...pathParams.map((p) => anyValue(p.schema, known[p.name]))),
        query: fc.array(
          fc.oneof(
            ...queryParams.map((p) =>
              fc.tuple(
                fc.constant(p.name),
                anyValue(p.schema, known[p.name]),
                fc.constantFrom('', '[]', '[$gt]'),
              ),
            ),
            fc.tuple(hostileString, hostileValue, fc.constant('')),
          ),
          { maxLength: queryParams.length + 1 },
        ),
        body: fc.oneof(
          { weight: 8, arbitrary: bodyFor(body, known).map((value) => ({ json: value })) },
          { weight: 1, arbitrary: rawBody.map((raw) => ({ raw })) },
        ),
        auth: fc.constantFrom('user', 'user', 'user', 'user', 'none', 'junk'),
      });
      // Signing out or deleting an account acts as a user of its own, so the rest keep their session.
      const session = /logout|deletion/.test(op.path) ? throwaway : owner;
      await fuzz(op.name, request, async ({ path, query, body, auth }) => {
        let url = op.path;
        pathParams.forEach((p, i) => (url = url.replace(`{${p.name}}`, encode(path[i]))));
        const search = query.map(([k, v, suffix]) => `${encode(k)}${suffix}=${encode(v)}`).join('&');
        const token = session.tokens?.accessToken;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (auth === 'user' && token) headers.authorization = `Bearer ${token}`;
        if (auth === 'junk') headers.authorization = 'Bearer a.b.c';
        const res = await fetch(`${base}/api/v1${url}${search ? `?${search}` : ''}`, {
          method: op.method,
          headers,
          ...(op.method === 'GET' ? {} : { body: 'raw' in body ? body.raw : JSON.stringify(body.json) }),
          signal: AbortSignal.timeout(15_000),
        });
        checkAnswer(res.status, await res.text());
      });
    }
    const failed = findings.filter((f) => f.failure);
    expect(
      failed.map((f) => f.operation),
      `findings (seed ${seed}), reported below`,
    ).to.deep.equal([]);
  });

  it('answers every WebSocket frame type without a 5xx, a crash or a dead socket', async () => {
    const room = fc.oneof(anyValue({ type: 'string' }, known.room), hostileValue);
    const frames: Record<string, fc.Arbitrary<unknown>> = {
      subscribe: fc.record({
        type: fc.constant('subscribe'),
        rooms: fc.oneof(
          fc.array(objectFor({ properties: { room: {}, after: { type: 'integer' } } }, known), {
            maxLength: 5,
          }),
          hostileValue,
        ),
      }),
      unsubscribe: fc.record({
        type: fc.constant('unsubscribe'),
        rooms: fc.oneof(fc.array(room, { maxLength: 5 }), hostileValue),
      }),
      ping: fc.record({ type: fc.constant('ping'), extra: hostileValue }, { requiredKeys: ['type'] }),
      heartbeat: fc.record({
        type: fc.constant('heartbeat'),
        state: fc.oneof(fc.constantFrom('active', 'away'), hostileValue),
      }),
      typing: fc.record({ type: fc.constant('typing'), room }),
      send: fc.record(
        {
          type: fc.constant('send'),
          room,
          text: fc.oneof(hostileString, hostileValue),
          clientId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), hostileValue),
        },
        { requiredKeys: ['type'] },
      ),
      unknown: fc.oneof(
        objectFor({ properties: { type: {}, room: {}, rooms: {} } }),
        hostileValue,
        deeplyNested,
        rawBody,
      ),
    };
    const open = async () => {
      const ws = new WebSocket(liveSocketUrl(base, owner.tokens!.accessToken));
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      return ws;
    };
    let ws = await open();
    for (const [type, arb] of Object.entries(frames)) {
      await fuzz(`ws ${type}`, arb, async (frame) => {
        if (ws.readyState !== WebSocket.OPEN) ws = await open();
        const seen: Record<string, unknown>[] = [];
        const answered = new Promise<number | 'pong'>((resolve) => {
          ws.on('message', (data) => {
            const f = JSON.parse(String(data)) as Record<string, unknown>;
            seen.push(f);
            if (f.type === 'pong') resolve('pong');
          });
          ws.once('close', (code) => resolve(code));
        });
        ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
        ws.send(JSON.stringify({ type: 'ping' }));
        const outcome = await Promise.race([
          answered,
          new Promise((r) => setTimeout(() => r('silent'), 15_000)),
        ]);
        ws.removeAllListeners('message');
        ws.removeAllListeners('close');
        // A socket may be closed for a frame too big; never for an error of ours.
        if (outcome !== 'pong')
          expect(outcome, `socket outcome; frames ${JSON.stringify(seen).slice(0, 300)}`).to.be.oneOf([1009]);
        for (const f of seen.filter((f) => f.type === 'error')) {
          expect(f.error, JSON.stringify(f)).to.be.a('string').with.length.above(0);
          expect(f.message, JSON.stringify(f)).to.be.a('string');
          expect(f.code, JSON.stringify(f)).to.be.a('number').below(500);
        }
      });
    }
    ws.close();
    const failed = findings.filter((f) => f.operation.startsWith('ws ') && f.failure);
    expect(
      failed.map((f) => f.operation),
      `findings (seed ${seed}), reported below`,
    ).to.deep.equal([]);
  });

  it('keeps every service process alive and the gateway memory bounded', async () => {
    const processes = [
      platform.identity,
      ...platform.chat,
      platform.mood!,
      ...platform.moodLayer!,
      platform.notifications!,
      ...platform.gateways.map((g) => g.process),
    ];
    for (const proc of processes) expect(proc.child.exitCode, `exit of pid ${proc.child.pid}`).to.equal(null);
    const rssAfter = await metric(platform.gateways[0]!.process.opsPort, 'process_resident_memory_bytes');
    expect(rssAfter).to.be.below(2 * rssBefore + 50 * 1024 * 1024);
  });
});
