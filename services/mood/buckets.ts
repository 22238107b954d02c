import { Kvm, type KV } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { modelStore, moodBucket } from './routing.js';

/** The routing KV bucket and the model object store (created on first use, by whoever comes first). */
export async function moodBuckets(nc: NatsConnection): Promise<{ kv: KV; store: ObjectStore }> {
  const [kv, store] = await Promise.all([
    new Kvm(nc).create(moodBucket, { history: 1 }),
    new Objm(nc).create(modelStore),
  ]);
  return { kv, store };
}
