import type { NatsConnection } from '@nats-io/transport-node';
import { expect } from 'chai';
import { startTestEnv, type TestEnv } from '../../e2e/testenv/index.js';
import { chatSubjects } from '../chat/endpoints.js';
import { identitySubjects } from '../identity/endpoints.js';
import { moodSubjects } from '../mood/subjects.js';
import { connectNats } from './nats-connect.js';
import { natsServices, type NatsService } from './nats-permissions.js';

const violation = /Permissions Violation/;

/** The error a request ends with, or undefined when it was answered. */
async function requestError(nc: NatsConnection, subject: string): Promise<string | undefined> {
  try {
    await nc.request(subject, '{}', { timeout: 2000 });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Why the server closed a subscription, or undefined while it stands. */
async function subscriptionRefusal(nc: NatsConnection, subject: string): Promise<string | undefined> {
  const sub = nc.subscribe(subject);
  let refusal: string | undefined;
  void sub.closed.then((err) => (refusal = err?.message));
  await nc.flush();
  await nc.flush(); // the server's -ERR comes before the second PONG
  sub.unsubscribe();
  return refusal;
}

describe('NATS users of the services (real nats-server with the generated authorization)', () => {
  let env: TestEnv;
  const open: NatsConnection[] = [];
  const as = async (service: NatsService) => {
    const nc = await connectNats({ servers: env.nats!.url, ...env.nats!.users![service], reconnect: false });
    open.push(nc);
    return nc;
  };

  before(async () => (env = await startTestEnv({ servers: ['nats'], natsUsers: true })));
  after(async () => {
    await Promise.all(open.map((nc) => nc.close()));
    await env.stop();
  });

  it('refuses anonymous connections and wrong passwords', async () => {
    const anonymous = await connectNats({ servers: env.nats!.url, reconnect: false }).catch((e: Error) => e);
    expect(String(anonymous)).to.match(/Authorization Violation/);
    const wrong = await connectNats({
      servers: env.nats!.url,
      user: 'gateway',
      pass: 'not-the-password',
      reconnect: false,
    }).catch((e: Error) => e);
    expect(String(wrong)).to.match(/Authorization Violation/);
  });

  it("refuses the mood service's user outside its permissions", async () => {
    const mood = await as('mood');
    expect(await requestError(mood, identitySubjects.deleteAccount)).to.match(violation);
    expect(await requestError(mood, identitySubjects.resolve)).to.match(violation);
    expect(await subscriptionRefusal(mood, 'actor.cmd.room.>')).to.match(violation);
    expect(await subscriptionRefusal(mood, chatSubjects.history)).to.match(violation);
    expect(await subscriptionRefusal(mood, '_INBOX_gateway.>')).to.match(violation);
    expect(await subscriptionRefusal(mood, '_INBOX.>')).to.match(violation);
    expect(mood.isClosed()).to.equal(false);
  });

  it('lets no service but the gateway make requests that act for a user', async () => {
    for (const service of natsServices.filter((s) => s !== 'gateway')) {
      const nc = await as(service);
      for (const subject of [identitySubjects.deleteAccount, chatSubjects.exportUser, identitySubjects.login])
        expect(await requestError(nc, subject), `${service} → ${subject}`).to.match(violation);
    }
  });

  it('lets a service do what its permissions allow: the gateway asks identity and gets the answer', async () => {
    const gateway = await as('gateway');
    const identity = await as('identity');
    const mood = await as('mood');
    const operator = await as('operator');
    const serve = (nc: NatsConnection, subject: string) =>
      nc.subscribe(subject, {
        callback: (_err, msg) => void msg.respond(JSON.stringify({ served: subject })),
      });
    serve(identity, identitySubjects.login);
    serve(identity, identitySubjects.resolve);
    serve(mood, moodSubjects.analyze);
    await Promise.all([identity.flush(), mood.flush()]);
    expect((await gateway.request(identitySubjects.login, '{}', { timeout: 2000 })).json()).to.deep.equal({
      served: identitySubjects.login,
    });
    expect((await gateway.request(moodSubjects.analyze, '{}', { timeout: 2000 })).json()).to.deep.equal({
      served: moodSubjects.analyze,
    });
    expect((await operator.request(identitySubjects.resolve, '{}', { timeout: 2000 })).json()).to.deep.equal({
      served: identitySubjects.resolve,
    });
  });
});
