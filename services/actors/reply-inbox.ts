import type { Msg, NatsConnection } from '@nats-io/transport-node';

/** A reply to come: its subject (and the key that ends it), the reply, and a way to stop waiting. */
export interface ExpectedReply<T> {
  key: string;
  subject: string;
  /** The reply, or undefined once the time is up or the wait is abandoned. */
  reply: Promise<T | undefined>;
  abandon(): void;
}

/**
 * Replies to many requests on one subscription: each request gets the reply
 * subject `<prefix>.<key>` and waits under its key, with no subscription,
 * request object or Error of its own. `read` turns a reply into its value;
 * a reply it throws on is skipped (its waiter goes on waiting): a throw out
 * of a nats.js callback would end the process.
 */
export class ReplyInbox<T> {
  readonly #waiting = new Map<string, (value: T | undefined) => void>();
  #listening = false;
  #nextKey = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly prefix: string,
    private readonly read: (msg: Msg) => T,
  ) {}

  expect(timeoutMs: number): ExpectedReply<T> {
    this.#listen();
    const key = (this.#nextKey++).toString(36);
    let settle: (value: T | undefined) => void = () => undefined;
    const reply = new Promise<T | undefined>((resolve) => {
      const timer = setTimeout(() => settle(undefined), timeoutMs);
      settle = (value) => {
        clearTimeout(timer);
        this.#waiting.delete(key);
        resolve(value);
      };
      this.#waiting.set(key, settle);
    });
    return { key, subject: `${this.prefix}.${key}`, reply, abandon: () => settle(undefined) };
  }

  #listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    this.nc.subscribe(`${this.prefix}.*`, {
      callback: (err, msg) => {
        const settle = err ? undefined : this.#waiting.get(msg.subject.slice(this.prefix.length + 1));
        if (!settle) return; // answered after its time was up, or not ours
        let value: T;
        try {
          value = this.read(msg);
        } catch {
          return;
        }
        settle(value);
      },
    });
  }
}
