import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../../services/kit/log.js';

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; uid: string };
}

/**
 * Kubernetes Events for what a user should see in `kubectl describe`. The
 * reconcilers record transitions (not every reconcile), so events stay few.
 * Recording is best effort: a failed event never fails a reconcile.
 */
export class EventRecorder {
  readonly #core: CoreV1Api;

  constructor(
    kc: KubeConfig,
    private readonly component: string,
    private readonly log: Logger,
  ) {
    this.#core = kc.makeApiClient(CoreV1Api);
  }

  async record(
    object: InvolvedObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): Promise<void> {
    const now = new Date();
    const { name, namespace, uid } = object.metadata;
    try {
      await this.#core.createNamespacedEvent({
        namespace,
        body: {
          metadata: { name: `${name}.${randomBytes(8).toString('hex')}`, namespace },
          involvedObject: { apiVersion: object.apiVersion, kind: object.kind, name, namespace, uid },
          type,
          reason,
          message: message.slice(0, 1024),
          source: { component: this.component },
          reportingComponent: this.component,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
    } catch (err) {
      this.log.warn('could not record an event', { reason, error: err });
    }
  }
}
