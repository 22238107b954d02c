import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from '../../../services/kit/log.js';

export interface LeaderOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  /** How often the leader renews and candidates try. */
  retryPeriodMs: number;
  onStartedLeading(): Promise<void> | void;
  onStoppedLeading(): Promise<void> | void;
}

const microTime = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

/**
 * Leader election on a coordination.k8s.io Lease, as client-go does it: the
 * holder renews every retry period; a candidate takes the lease over only
 * when its renew time is older than the lease duration; every write carries
 * the resourceVersion it read, so two candidates never both win. A leader
 * that fails to renew within the lease duration stops leading.
 */
export class LeaderElector {
  readonly #api: CoordinationV1Api;
  #leading = false;
  #lastRenew = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #attempt: Promise<void> | undefined;

  constructor(
    kc: KubeConfig,
    private readonly options: LeaderOptions,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.#api = kc.makeApiClient(CoordinationV1Api);
  }

  get leading(): boolean {
    return this.#leading;
  }

  start(): void {
    const tick = async () => {
      if (this.#stopped) return;
      this.#attempt = this.#tryAcquireOrRenew();
      await this.#attempt;
      if (!this.#stopped) this.#timer = setTimeout(() => void tick(), this.options.retryPeriodMs);
    };
    void tick();
  }

  /** Stops trying; a leader hands the lease back so a successor need not wait for it to expire. */
  async stop(release = true): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    // An attempt in flight could otherwise make this replica lead after it stopped.
    await this.#attempt;
    if (this.#leading && release) await this.#release().catch(() => undefined);
    if (this.#leading) await this.#lose('stopped');
  }

  async #tryAcquireOrRenew(): Promise<void> {
    const { namespace, name, identity, leaseDurationMs } = this.options;
    const now = this.now();
    try {
      const lease = await this.#api
        .readNamespacedLease({ name, namespace })
        .catch((err: { code?: number }) => {
          if (err.code === 404) return undefined;
          throw err;
        });
      const spec = lease?.spec;
      const renewedAt = spec?.renewTime ? new Date(spec.renewTime).getTime() : 0;
      const heldByOther =
        spec?.holderIdentity &&
        spec.holderIdentity !== identity &&
        now - renewedAt < (spec.leaseDurationSeconds ?? 0) * 1000;
      if (heldByOther) {
        if (this.#leading) await this.#lose('another replica holds the lease');
        return;
      }
      const body: V1Lease = {
        metadata: {
          name,
          namespace,
          ...(lease?.metadata?.resourceVersion ? { resourceVersion: lease.metadata.resourceVersion } : {}),
        },
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
          renewTime: microTime(now) as unknown as Date,
          acquireTime: (spec?.holderIdentity === identity && spec.acquireTime
            ? spec.acquireTime
            : microTime(now)) as unknown as Date,
          leaseTransitions: (spec?.leaseTransitions ?? 0) + (spec?.holderIdentity === identity ? 0 : 1),
        },
      };
      if (lease) await this.#api.replaceNamespacedLease({ name, namespace, body });
      else await this.#api.createNamespacedLease({ namespace, body });
      this.#lastRenew = now;
      if (!this.#leading) {
        this.#leading = true;
        this.log.info('became the leader', { lease: name, identity });
        await this.options.onStartedLeading();
      }
    } catch (err) {
      // A conflict means another candidate wrote first; anything else is a failed renew.
      if (this.#leading && now - this.#lastRenew >= leaseDurationMs)
        await this.#lose('could not renew the lease in time');
      else if ((err as { code?: number }).code !== 409)
        this.log.warn('leader election attempt failed', { error: err });
    }
  }

  async #release(): Promise<void> {
    const { namespace, name } = this.options;
    const lease = await this.#api.readNamespacedLease({ name, namespace });
    if (lease.spec?.holderIdentity !== this.options.identity) return;
    await this.#api.replaceNamespacedLease({
      name,
      namespace,
      body: {
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', renewTime: microTime(0) as unknown as Date },
      },
    });
  }

  async #lose(reason: string): Promise<void> {
    this.#leading = false;
    this.log.warn('stopped leading', { lease: this.options.name, reason });
    await this.options.onStoppedLeading();
  }
}
