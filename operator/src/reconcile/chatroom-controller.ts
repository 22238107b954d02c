import type { KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { Logger } from '../../../services/kit/log.js';
import type { PlatformConnections } from '../platform/connections.js';
import { Controller } from '../runtime/controller.js';
import { ChatRoomReconciler } from './chatroom.js';
import { ownKind, splitKey } from './watches.js';

/** The ChatRoom controller: reconciles on changes to ChatRooms (and every minute, for their counts). */
export function chatRoomController(
  kc: KubeConfig,
  platforms: PlatformConnections,
  log: Logger,
  registry: Registry,
): Controller {
  const reconciler = new ChatRoomReconciler(kc, platforms, log.child({ kind: 'ChatRoom' }));
  return new Controller({
    kind: 'ChatRoom',
    kc,
    log,
    registry,
    watched: [ownKind(kc, 'chatrooms')],
    // Rooms are many and each reconcile mostly waits on the platform: several at once.
    workers: 8,
    reconcile: (key) => reconciler.reconcile(...splitKey(key)),
  });
}
