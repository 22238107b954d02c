import { makeInformer, type Informer, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Logger } from '../../../services/kit/log.js';
import { nextRestart, type WatchFailures } from './watch-restarts.js';
import { WorkQueue } from './work-queue.js';

export interface Watched {
  /** e.g. /apis/metachat.io/v1alpha1/metachats */
  path: string;
  list: () => Promise<{ items: KubernetesObject[] }>;
  labelSelector?: string;
  /** The key to reconcile when this object changes (its own, or its owner's); undefined to ignore it. */
  keyOf(object: KubernetesObject): string | undefined;
}

export interface ControllerOptions {
  kind: string;
  kc: KubeConfig;
  watched: Watched[];
  reconcile(key: string): Promise<{ requeueAfterMs?: number }>;
  log: Logger;
  registry: Registry;
  resyncMs?: number;
  /** Keys reconciled at once (never the same key twice at once: the queue sees to that). */
  workers?: number;
}

/**
 * watch → queue → reconcile for one kind. Informers list and watch (and
 * restart after a dropped watch, so nothing changed meanwhile is missed);
 * every event only queues a key; workers reconcile, never one key twice at once,
 * retrying failures with per-key exponential backoff; a periodic resync
 * queues everything again (level-triggered).
 */
export class Controller {
  readonly queue = new WorkQueue();
  readonly #informers: Informer<KubernetesObject>[] = [];
  readonly #keys = new Set<string>();
  #resync: NodeJS.Timeout | undefined;
  #workers: Promise<void>[] = [];
  #stopped = false;
  readonly #metrics;

  constructor(private readonly options: ControllerOptions) {
    this.#metrics = controllerMetrics(options.registry);
  }

  async start(): Promise<void> {
    for (const watched of this.options.watched) {
      const informer = makeInformer(this.options.kc, watched.path, watched.list, watched.labelSelector);
      const enqueue = (object: KubernetesObject) => {
        const key = watched.keyOf(object);
        if (key) {
          this.#keys.add(key);
          this.queue.add(key);
        }
      };
      informer.on('add', enqueue);
      informer.on('update', enqueue);
      informer.on('delete', enqueue);
      /** Starts (or restarts) the watch; one that starts without a failure ends the run of failures. */
      const failures: WatchFailures = { count: 0, firstAt: 0, warned: false };
      const start = async () => {
        if (this.#stopped) return;
        const before = failures.count;
        await informer.start().catch(() => undefined);
        if (failures.count !== before || before === 0) return;
        if (failures.warned)
          this.options.log.info('watch restored', { path: watched.path, failures: before });
        Object.assign(failures, { count: 0, firstAt: 0, warned: false });
      };
      informer.on('error', (err: unknown) => {
        if (this.#stopped) return;
        failures.count++;
        if (failures.count === 1) failures.firstAt = Date.now();
        const { delayMs, warn } = nextRestart(failures, err, Date.now());
        const fields = { path: watched.path, failures: failures.count, retryInMs: delayMs, error: err };
        if (warn) {
          failures.warned = true;
          this.options.log.warn('watch keeps failing; retrying with backoff', fields);
        } else this.options.log.debug('watch failed; restarting it', fields);
        setTimeout(() => void start(), delayMs);
      });
      await start();
      this.#informers.push(informer);
    }
    this.#resync = setInterval(
      () => {
        for (const key of this.#keys) this.queue.add(key);
      },
      this.options.resyncMs ?? 5 * 60_000,
    );
    this.#workers = Array.from({ length: this.options.workers ?? 1 }, () => this.#work());
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#resync);
    for (const informer of this.#informers) await informer.stop();
    this.queue.shutDown();
    await Promise.all(this.#workers);
  }

  async #work(): Promise<void> {
    const { kind, reconcile, log } = this.options;
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      this.#metrics.depth.set({ kind }, this.queue.depth);
      const end = this.#metrics.duration.startTimer({ kind });
      try {
        const result = await reconcile(key);
        this.queue.forget(key);
        if (result.requeueAfterMs) this.queue.addAfter(key, result.requeueAfterMs);
        this.#metrics.reconciles.inc({ kind, result: 'success' });
      } catch (err) {
        const delay = this.queue.addRateLimited(key);
        this.#metrics.reconciles.inc({ kind, result: 'error' });
        log.warn('reconcile failed; retrying with backoff', {
          key,
          delayMs: delay,
          failures: this.queue.failures(key),
          error: err,
        });
      } finally {
        end();
        this.queue.done(key);
      }
    }
  }
}

const metricsByRegistry = new WeakMap<Registry, ReturnType<typeof createMetrics>>();

/** The controllers' metrics, labelled by kind: one set per registry, however many controllers share it. */
function controllerMetrics(registry: Registry) {
  let metrics = metricsByRegistry.get(registry);
  if (!metrics) {
    metrics = createMetrics(registry);
    metricsByRegistry.set(registry, metrics);
  }
  return metrics;
}

function createMetrics(registry: Registry) {
  const registers = [registry];
  const labelNames = ['kind'] as const;
  return {
    reconciles: new Counter({
      name: 'operator_reconcile_total',
      help: 'Reconciles by result',
      labelNames: ['kind', 'result'],
      registers,
    }),
    duration: new Histogram({
      name: 'operator_reconcile_duration_seconds',
      help: 'Reconcile duration',
      labelNames,
      registers,
    }),
    depth: new Gauge({
      name: 'operator_queue_depth',
      help: 'Keys waiting in the work queue',
      labelNames,
      registers,
    }),
  };
}
