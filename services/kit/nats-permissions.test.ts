import { expect } from 'chai';
import { chatSubjects } from '../chat/endpoints.js';
import { identitySubjects } from '../identity/endpoints.js';
import { renderNatsAuthorization, passwordEnvOf } from './nats-authorization.js';
import { natsServices, permissionsFor, type NatsService } from './nats-permissions.js';

/** Whether a NATS subject pattern (with `*` and `>`) covers a subject. */
function covers(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

const mayPublish = (service: NatsService, subject: string) =>
  permissionsFor(service).publish.allow.some((p) => covers(p, subject));
const maySubscribe = (service: NatsService, subject: string) =>
  permissionsFor(service).subscribe.allow.some((p) => covers(p, subject));
const others = (...but: NatsService[]) => natsServices.filter((s) => !but.includes(s));

describe('NATS permissions of each service', () => {
  it('lets only the gateway make the requests that act for a signed-in user', () => {
    const forUsers = [
      identitySubjects.login,
      identitySubjects.deleteAccount,
      identitySubjects.setBlock,
      identitySubjects.updateProfile,
      chatSubjects.history,
      chatSubjects.exportUser,
      chatSubjects.forgetUser,
      'diary.v1.forget-user',
      'portrait.v1.forget',
      'notifications.v1.list',
      'mood.v1.analyze',
    ];
    for (const subject of forUsers) {
      expect(mayPublish('gateway', subject), subject).to.equal(true);
      for (const service of others('gateway'))
        expect(mayPublish(service, subject), `${service} → ${subject}`).to.equal(false);
    }
  });

  it('keeps the mood service away from identity and from room commands', () => {
    expect(permissionsFor('mood').publish.allow.filter((s) => s.startsWith('identity.'))).to.deep.equal([]);
    expect(mayPublish('mood', 'actor.cmd.room.3.r1')).to.equal(false);
    expect(maySubscribe('mood', 'actor.cmd.room.3.r1')).to.equal(false);
  });

  it('lets only the operator resolve emails; only the gateway and chat-side callers command rooms', () => {
    expect(natsServices.filter((s) => mayPublish(s, identitySubjects.resolve))).to.deep.equal(['operator']);
    expect(natsServices.filter((s) => mayPublish(s, 'actor.cmd.room.3.r1'))).to.have.members([
      'gateway',
      'chat',
      'notifications',
      'operator',
    ]);
    expect(natsServices.filter((s) => maySubscribe(s, 'actor.cmd.room.3.r1'))).to.deep.equal([]);
    // Matching asks rooms what they are (recommendations), and may not command them.
    expect(mayPublish('matching', 'actor.ctl.room.3')).to.equal(true);
    expect(mayPublish('mood', 'actor.ctl.room.3')).to.equal(false);
    // Matching names the people it matches, and asks identity nothing else.
    expect(permissionsFor('matching').publish.allow.filter((s) => s.startsWith('identity.'))).to.deep.equal([
      identitySubjects.known,
    ]);
  });

  it('lets only identity announce revocations and only the room host append room events', () => {
    expect(natsServices.filter((s) => mayPublish(s, 'identity.tokens.revoked'))).to.deep.equal(['identity']);
    expect(natsServices.filter((s) => mayPublish(s, 'actor.evt.room.r1'))).to.deep.equal(['chat']);
  });

  it('gives each service its own inbox and nobody the inboxes of others', () => {
    for (const service of natsServices) {
      const { subscribe } = permissionsFor(service);
      expect(subscribe.allow.filter((s) => s.startsWith('_INBOX'))).to.deep.equal([`_INBOX_${service}.>`]);
      for (const other of others(service))
        expect(
          maySubscribe(service, `_INBOX_${other}.abc.1`),
          `${service} reads ${other}'s replies`,
        ).to.equal(false);
    }
  });

  it('grants no service every subject, nor the whole JetStream API', () => {
    for (const service of natsServices) {
      const { publish, subscribe } = permissionsFor(service);
      for (const subject of [...publish.allow, ...subscribe.allow]) {
        expect(subject, service).to.not.match(/^(>|\*\.>|\$JS\.API\.>|\$JS\.>)$/);
        expect(subject, service).to.not.match(/^\$JS\.API\.STREAM\.DELETE\./);
      }
      expect(mayPublish(service, '$JS.API.STREAM.DELETE.ACTOR_EVT_ROOM'), service).to.equal(false);
    }
  });

  it('lets the JetStream API touch only the streams a service uses', () => {
    expect(mayPublish('chat', '$JS.API.CONSUMER.MSG.NEXT.ACTOR_CMD_ROOM.cmd-room-p0')).to.equal(true);
    expect(mayPublish('chat', '$JS.API.STREAM.PURGE.ACTOR_EVT_ROOM')).to.equal(true);
    expect(mayPublish('gateway', '$JS.API.STREAM.PURGE.ACTOR_EVT_ROOM')).to.equal(false);
    expect(mayPublish('mood', '$JS.API.CONSUMER.MSG.NEXT.ACTOR_CMD_ROOM.cmd-room-p0')).to.equal(false);
    expect(mayPublish('portrait', '$JS.API.STREAM.INFO.ACTOR_EVT_ROOM')).to.equal(false);
  });
});

describe('the nats-server authorization config', () => {
  it('names each service user and reads passwords from the environment when asked, never writing them', () => {
    const text = renderNatsAuthorization((service) => ({ env: passwordEnvOf(service) }));
    for (const service of natsServices) {
      expect(text).to.contain(
        `{user: "${service}", password: $METACHAT_NATS_${service.toUpperCase()}_PASSWORD,`,
      );
    }
    expect(text).to.contain(JSON.stringify(permissionsFor('mood')));
  });

  it('quotes a literal password and refuses a variable name that is not one', () => {
    expect(renderNatsAuthorization(() => ({ value: 'a"b' }), ['mood'])).to.contain('password: "a\\"b"');
    expect(() => renderNatsAuthorization(() => ({ env: 'X; }' }), ['mood'])).to.throw(/not an environment/);
  });
});
