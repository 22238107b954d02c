import { expect } from 'chai';
import { EnvelopeError, parseCommandEnvelope, replySubjectOf, salvageReplySubject } from './envelope.js';

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('command envelopes: where results go', () => {
  it('answers on the caller’s reply address when it gave one, else on the command id', () => {
    expect(replySubjectOf({ commandId: 'c1', replyTo: 'inbox1.7' })).to.equal('actor.reply.inbox1.7');
    expect(replySubjectOf({ commandId: 'c1' })).to.equal('actor.reply.c1');
  });

  it('takes only <inbox>.<key> as a reply address', () => {
    const envelope = { commandId: 'c1', actorId: 'a1', command: {} };
    expect(parseCommandEnvelope(bytes({ ...envelope, replyTo: 'in_box-1.42' }), 'a1').replyTo).to.equal(
      'in_box-1.42',
    );
    expect(parseCommandEnvelope(bytes(envelope), 'a1')).to.not.have.property('replyTo');
    for (const replyTo of ['inbox', 'a.b.c', 'a.>', 'a.*', 'a. b', '', 7, null])
      expect(() => parseCommandEnvelope(bytes({ ...envelope, replyTo }), 'a1'), String(replyTo)).to.throw(
        EnvelopeError,
        /replyTo/,
      );
  });

  it('salvages where to tell the caller of a message that does not parse', () => {
    expect(salvageReplySubject(bytes({ commandId: 'c1', replyTo: 'inbox.3', actorId: 7 }))).to.equal(
      'actor.reply.inbox.3',
    );
    expect(salvageReplySubject(bytes({ commandId: 'c1', replyTo: 'a.>' }))).to.equal('actor.reply.c1');
    expect(salvageReplySubject(bytes({ commandId: 'bad id', replyTo: 'inbox.3' }))).to.equal(undefined);
    expect(salvageReplySubject(new Uint8Array([0xff, 0x00]))).to.equal(undefined);
  });
});
