import type { ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { Counter, Gauge, type Registry } from 'prom-client';
import { decodeBundle } from '../../models/mood/bundle.js';
import { MoodModel } from '../../models/mood/model.js';
import type { Logger } from '../kit/log.js';
import { moodBuckets } from './buckets.js';
import {
  goesToCanary,
  noRouting,
  parseRouting,
  routingKey,
  type PublishedModel,
  type Routing,
} from './routing.js';

/** The models in use at one moment: swapped whole, so a batch never sees half a change. */
export interface ModelsInUse {
  routing: Routing;
  active: MoodModel;
  canary?: MoodModel;
}

/**
 * Follows the platform's routing entry (or, pinned, one named model) and keeps
 * the models it names loaded. A new model is loaded completely before it
 * replaces the old one, so scoring never stops; a model that fails to load
 * leaves the previous one in place (logged and counted).
 */
export class ModelRouter {
  #inUse: ModelsInUse | undefined;
  readonly #published = new Map<string, PublishedModel>();
  #routing: Routing = noRouting;
  readonly #loaded = new Map<string, MoodModel>(); // by digest
  #settled: Promise<void> = Promise.resolve();
  #stop: (() => void) | undefined;
  readonly #failures: Counter;
  readonly #info: Gauge;

  private constructor(
    private readonly store: ObjectStore,
    private readonly builtin: MoodModel,
    private readonly pinned: string | undefined,
    private readonly log: Logger,
    metrics: Registry,
  ) {
    this.#loaded.set(builtin.digest, builtin);
    // Following routing, the built-in model serves until routing names another.
    if (!pinned) this.#inUse = { routing: noRouting, active: builtin };
    this.#failures = new Counter({
      name: 'mood_model_load_failures_total',
      help: 'Models that could not be loaded (the previous model stays in use)',
      registers: [metrics],
    });
    this.#info = new Gauge({
      name: 'mood_model_info',
      help: 'The models in use (1), by role',
      labelNames: ['role', 'model', 'digest'],
      registers: [metrics],
    });
    this.#report();
  }

  static async start(deps: {
    nc: NatsConnection;
    builtin: MoodModel;
    /** Serve only this MoodModel instead of following routing. */
    pinned?: string;
    log: Logger;
    metrics: Registry;
  }): Promise<ModelRouter> {
    const { kv, store } = await moodBuckets(deps.nc);
    const router = new ModelRouter(store, deps.builtin, deps.pinned, deps.log, deps.metrics);
    const updates = await kv.watch();
    router.#stop = () => updates.stop();
    void (async () => {
      for await (const entry of updates) {
        const deleted = entry.operation !== 'PUT';
        if (entry.key === routingKey)
          router.#routing = deleted ? noRouting : parseRouting(safeJson(entry.value));
        else if (entry.key.startsWith('model.')) {
          const name = entry.key.slice('model.'.length);
          const published = deleted ? undefined : parsePublished(safeJson(entry.value));
          if (published) router.#published.set(name, published);
          else router.#published.delete(name);
        }
        router.#settled = router.#settled.then(() => router.#follow());
      }
    })();
    return router;
  }

  /** The models now in use; undefined while a pinned model has not been published yet. */
  get inUse(): ModelsInUse | undefined {
    return this.#inUse;
  }

  /** The model that scores the item with this key (active, or canary for its share of keys). */
  modelFor(inUse: ModelsInUse, key: string): MoodModel {
    return inUse.canary && goesToCanary(inUse.routing, key) ? inUse.canary : inUse.active;
  }

  /** Resolves once every routing change seen so far has been acted on. */
  settled(): Promise<void> {
    return this.#settled;
  }

  stop(): void {
    this.#stop?.();
  }

  async #follow(): Promise<void> {
    if (this.pinned) {
      const model = await this.#model(this.pinned);
      if (model) this.#swap({ routing: { active: this.pinned, canary: null }, active: model });
      return;
    }
    const routing = this.#routing;
    const previous = this.#inUse!;
    // A named model that is not (yet) loadable keeps what served before.
    const active = routing.active ? ((await this.#model(routing.active)) ?? previous.active) : this.builtin;
    const canary = routing.canary ? await this.#model(routing.canary.model) : undefined;
    this.#swap({
      routing: canary ? routing : { ...routing, canary: null },
      active,
      ...(canary ? { canary } : {}),
    });
  }

  #swap(next: ModelsInUse): void {
    const before = this.#inUse;
    this.#inUse = next;
    // Scoring is synchronous, so nothing is scoring with a model dropped here.
    const kept = new Set([this.builtin, next.active, next.canary]);
    for (const [digest, model] of this.#loaded) {
      if (kept.has(model)) continue;
      model.dispose();
      this.#loaded.delete(digest);
    }
    if (before?.active !== next.active || before?.canary !== next.canary) {
      this.log.info('mood models in use', {
        active: `${next.active.metadata.name}@${next.active.metadata.version}`,
        digest: next.active.digest,
        ...(next.canary
          ? {
              canary: `${next.canary.metadata.name}@${next.canary.metadata.version}`,
              percent: next.routing.canary?.percent,
            }
          : {}),
      });
    }
    this.#report();
  }

  #report(): void {
    this.#info.reset();
    const inUse = this.#inUse;
    if (!inUse) return;
    const name = (m: MoodModel) => `${m.metadata.name}@${m.metadata.version}`;
    this.#info.set({ role: 'active', model: name(inUse.active), digest: inUse.active.digest }, 1);
    if (inUse.canary)
      this.#info.set({ role: 'canary', model: name(inUse.canary), digest: inUse.canary.digest }, 1);
  }

  /** The published model by MoodModel name, loaded (once per digest); undefined if it cannot be. */
  async #model(name: string): Promise<MoodModel | undefined> {
    const published = this.#published.get(name);
    if (!published) return undefined;
    const loaded = this.#loaded.get(published.digest);
    if (loaded) return loaded;
    if (published.source === 'builtin') {
      this.log.warn('the operator ships a different built-in model than this service; using this one', {
        model: name,
        expected: published.digest,
        have: this.builtin.digest,
      });
      return this.builtin;
    }
    try {
      const bytes = await this.store.getBlob(published.digest);
      if (!bytes) throw new Error('its bundle is not in the object store');
      const model = await MoodModel.fromBundle(decodeBundle(bytes));
      if (model.digest !== published.digest) {
        model.dispose();
        throw new Error(`its bundle has digest ${model.digest}`);
      }
      this.#loaded.set(model.digest, model);
      return model;
    } catch (err) {
      this.#failures.inc();
      this.log.error('a mood model could not be loaded; the previous one stays in use', {
        model: name,
        digest: published.digest,
        error: err,
      });
      return undefined;
    }
  }
}

function safeJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

function parsePublished(value: unknown): PublishedModel | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, digest, source } = value as Partial<PublishedModel>;
  if (typeof name !== 'string' || typeof digest !== 'string' || (source !== 'builtin' && source !== 'store'))
    return undefined;
  return { name, digest, source };
}
