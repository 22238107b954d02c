import type { KV } from '@nats-io/kv';
import type { ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { bundleDigest, encodeBundle, type ModelBundle } from '../../../models/mood/bundle.js';
import { moodBuckets } from '../../../services/mood/buckets.js';
import { modelKey, routingKey, type PublishedModel, type Routing } from '../../../services/mood/routing.js';

/**
 * Makes models available to a platform's mood services: bundles in the
 * object store (by digest), one KV entry per MoodModel, and the routing entry.
 */
export class ModelPublisher {
  static readonly #buckets = new WeakMap<NatsConnection, Promise<{ kv: KV; store: ObjectStore }>>();

  private constructor(
    private readonly kv: KV,
    private readonly store: ObjectStore,
  ) {}

  static async of(nc: NatsConnection): Promise<ModelPublisher> {
    let buckets = ModelPublisher.#buckets.get(nc);
    if (!buckets) {
      buckets = moodBuckets(nc);
      ModelPublisher.#buckets.set(nc, buckets);
      buckets.catch(() => ModelPublisher.#buckets.delete(nc));
    }
    const { kv, store } = await buckets;
    return new ModelPublisher(kv, store);
  }

  /** Publishes the model under its MoodModel name; the built-in one needs no upload (every image has it). */
  async publish(name: string, bundle: ModelBundle, builtin: boolean): Promise<PublishedModel> {
    const digest = bundleDigest(bundle);
    if (!builtin && !(await this.store.info(digest)))
      await this.store.putBlob({ name: digest }, encodeBundle(bundle));
    const published: PublishedModel = { name, digest, source: builtin ? 'builtin' : 'store' };
    await this.#putIfChanged(modelKey(name), published);
    return published;
  }

  async route(routing: Routing): Promise<void> {
    await this.#putIfChanged(routingKey, routing);
  }

  /** Removes the model's entry, and its bundle when no other model uses the same bytes. */
  async withdraw(name: string): Promise<void> {
    const entry = await this.kv.get(modelKey(name));
    if (!entry || entry.operation !== 'PUT') return;
    const { digest } = entry.json<PublishedModel>();
    await this.kv.delete(modelKey(name));
    const keys = await this.kv.keys('model.>');
    for await (const key of keys) {
      const other = await this.kv.get(key);
      if (other?.operation === 'PUT' && other.json<PublishedModel>().digest === digest) return;
    }
    await this.store.delete(digest).catch(() => undefined);
  }

  async #putIfChanged(key: string, value: object): Promise<void> {
    const text = JSON.stringify(value);
    const current = await this.kv.get(key);
    if (current?.operation === 'PUT' && current.string() === text) return;
    await this.kv.put(key, text);
  }
}
