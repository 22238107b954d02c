import { jetstreamManager } from '@nats-io/jetstream';
import { expect } from 'chai';
import type { Db, MongoClient } from 'mongodb';
import { fileURLToPath } from 'node:url';
import { server } from '../../e2e/testenv/root-hooks.js';
import { startServiceProcess, type ServiceProcess } from '../../e2e/testenv/service-process.js';
import { ActorClientError, type ActorClient } from './client.js';
import { EventStore } from './event-store.js';
import { connectClient, freshDb } from './testdata/harness.js';
import { streams, subjects } from './topology.js';
import type { CommandResult } from './types.js';

const entry = fileURLToPath(new URL('./testdata/counter-service.ts', import.meta.url));
const type = 'failover';

/** Sends until a result comes back, retrying with the same command id as a real caller would. */
async function sendUntilAnswered(
  client: ActorClient,
  actorId: string,
  commandId: string,
): Promise<CommandResult> {
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      return await client.send(type, actorId, { type: 'add', amount: 1 }, { commandId, timeoutMs: 2000 });
    } catch (err) {
      if (!(err instanceof ActorClientError) || !['timeout', 'unavailable'].includes(err.code)) throw err;
    }
  }
  throw new Error(`command ${commandId} never answered`);
}

describe('actor runtime failover (replicas as real processes, SIGKILL)', function () {
  this.timeout(180_000);
  let db: Db;
  let mongo: MongoClient;
  const replicas: ServiceProcess[] = [];

  before(async () => {
    ({ db, mongo } = await freshDb(server('mongo').url, 'failover'));
  });
  after(async () => {
    for (const r of replicas) r.kill();
    await mongo?.close();
  });

  it('moves a killed replica’s partitions to the survivor and applies every acknowledged command exactly once', async () => {
    const env = (id: string) => ({
      NATS_URL: server('nats').url,
      MONGO_URL: server('mongo').url,
      MONGO_DB: db.databaseName,
      REPLICA_ID: id,
      COUNTER_TYPE: type,
      ACTOR_PARTITIONS: '8',
      ACTOR_LEASE_TTL: '1500ms',
      ACTOR_ACK_WAIT: '2s',
      LOG_LEVEL: 'info',
    });
    const doomed = await startServiceProcess(entry, env('doomed'));
    replicas.push(doomed);
    await doomed.waitForLog((l) => l.message === 'service started');
    const survivor = await startServiceProcess(entry, env('survivor'));
    replicas.push(survivor);
    await survivor.waitForLog((l) => l.message === 'partition acquired');
    await doomed.waitForLog((l) => l.message === 'partition released');

    const held = (p: ServiceProcess) =>
      p.lines.filter((l) => l.message === 'partition acquired').length -
      p.lines.filter((l) => l.message === 'partition released').length;
    expect(held(doomed)).to.be.above(0); // the replica about to die really holds partitions

    const { client, nc } = await connectClient(server('nats').url, 8);
    const actors = Array.from({ length: 40 }, (_, i) => `acct-${i}`);
    const perActor = 50;
    const acknowledged = new Map<string, CommandResult>();
    let killed = false;

    // 40 actors, 50 commands each, each actor's commands one after another; SIGKILL mid-way.
    await Promise.all(
      actors.map(async (actorId) => {
        for (let n = 0; n < perActor; n++) {
          const commandId = `${actorId}-${n}`;
          acknowledged.set(commandId, await sendUntilAnswered(client, actorId, commandId));
          if (!killed && acknowledged.size >= 600) {
            killed = true;
            doomed.kill();
          }
        }
      }),
    );
    await nc.close();
    expect(killed).to.equal(true);
    expect(acknowledged.size).to.equal(actors.length * perActor);

    const store = new EventStore(db);
    const checker = await connectClient(server('nats').url, 8);
    const jsm = await jetstreamManager(checker.nc);
    for (const actorId of actors) {
      const events = await store.readStream(`${type}/${actorId}`);
      // Gap-free, one event per command, each command exactly once, in the order sent.
      expect(events.map((e) => e.version)).to.deep.equal(Array.from({ length: perActor }, (_, i) => i + 1));
      expect(events.map((e) => e.commandId)).to.deep.equal(
        Array.from({ length: perActor }, (_, n) => `${actorId}-${n}`),
      );
      for (const e of events) {
        expect(acknowledged.get(e.commandId)).to.deep.include({ status: 'accepted', version: e.version });
      }
      const last = await jsm.streams.getMessage(streams.events(type), {
        last_by_subj: subjects.event(type, actorId),
      });
      expect(last?.header.get('Metachat-Version')).to.equal(String(perActor));
    }
    const survivorOwns = survivor.lines.filter((l) => l.message === 'partition acquired').length;
    expect(survivorOwns).to.be.at.least(8);
    await checker.nc.close();
  });
});
