// Mocha root hooks for the integration suite: one real test environment for
// the whole run. METACHAT_TEST_SERVERS (e.g. "nats,mongo") narrows which
// servers start; by default all of them do.
import { parseServerList, startTestEnv, type ServerName, type TestEnv } from './index.js';

const key = Symbol.for('metachat.testenv');
type Holder = { [key]?: TestEnv };

/** The running test environment; only valid inside tests of the integration suite. */
export function testEnv(): TestEnv {
  const env = (globalThis as Holder)[key];
  if (!env)
    throw new Error('testenv: not started (run through `npm run test:int`, which loads root-hooks.ts)');
  return env;
}

/** One server of the running environment; fails clearly when it was not started. */
export function server<K extends ServerName>(name: K): NonNullable<TestEnv[K]> {
  const details = testEnv()[name];
  if (!details) {
    throw new Error(
      `testenv: this test needs the ${name} server, which was not started (METACHAT_TEST_SERVERS=${process.env.METACHAT_TEST_SERVERS ?? ''})`,
    );
  }
  return details as NonNullable<TestEnv[K]>;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(30 * 60_000); // a cold build of the servers can take many minutes
    const servers = process.env.METACHAT_TEST_SERVERS
      ? parseServerList(process.env.METACHAT_TEST_SERVERS)
      : undefined;
    (globalThis as Holder)[key] = await startTestEnv(servers ? { servers } : {});
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await (globalThis as Holder)[key]?.stop();
    delete (globalThis as Holder)[key];
  },
};
