import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { RoomSummary } from '../../../services/chat/room.js';
import { ApiError } from '../../../services/kit/api-error.js';
import type { Logger } from '../../../services/kit/log.js';
import { callRpc } from '../../../services/kit/rpc.js';
import { identitySubjects } from '../../../services/identity/endpoints.js';
import type { ChatRoomSpec } from '../api/chatroom.js';
import { declaredEmails, planRoom, roomIdOf } from '../plans/chatroom.js';
import {
  PlatformUnreachable,
  type PlatformConnections,
  type PlatformClient,
} from '../platform/connections.js';
import { degraded } from '../runtime/conditions.js';
import { EventRecorder } from '../runtime/events.js';
import { setFinalizer } from '../runtime/finalizers.js';
import { readResource, type Resource } from '../runtime/resource.js';
import { StatusWriter } from '../runtime/status.js';
import { fieldManager, type MetaChatObject, type ReconcileResult } from './metachat.js';

export type ChatRoomObject = Resource<ChatRoomSpec>;

/** Keeps the room (state outside Kubernetes) until its deletion policy has been carried out. */
export const roomFinalizer = 'metachat.io/room';

const refreshMs = 60_000; // status counts (members, messages, activity) are refreshed this often
const retryMs = 15_000;

/**
 * Level-triggered reconcile of one ChatRoom: the room is provisioned in its
 * platform through the chat service's room actor (a `configure` command that
 * changes nothing when the room already matches), members are resolved from
 * emails by the identity service, and status reports the room's id and
 * counts. A finalizer carries out the deletion policy before the resource goes.
 */
export class ChatRoomReconciler {
  readonly #custom: CustomObjectsApi;
  readonly #events: EventRecorder;
  readonly #status: StatusWriter;

  constructor(
    kc: KubeConfig,
    private readonly platforms: PlatformConnections,
    private readonly log: Logger,
  ) {
    this.#custom = kc.makeApiClient(CustomObjectsApi);
    this.#events = new EventRecorder(kc, fieldManager, log);
    this.#status = new StatusWriter(this.#custom, this.#events, 'chatrooms');
  }

  async reconcile(namespace: string, name: string): Promise<ReconcileResult> {
    const found = await readResource<ChatRoomObject>(this.#custom, 'chatrooms', namespace, name);
    if (!found) return {};
    const roomId = roomIdOf(namespace, name);

    if (found.metadata.deletionTimestamp) return this.#finalize(found, roomId);
    const room = await setFinalizer(this.#custom, 'chatrooms', found, roomFinalizer, true);

    let platform: PlatformClient;
    try {
      platform = await this.#platform(room);
    } catch (err) {
      if (!(err instanceof PlatformGone || err instanceof PlatformUnreachable)) throw err;
      await this.#status.write(room, degraded(err.name, err.message), { roomId });
      return { requeueAfterMs: retryMs };
    }

    let provisioned;
    try {
      provisioned = await this.#provision(platform, room, roomId);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 503)) throw err;
      await this.#status.write(room, degraded('ServiceUnavailable', err.message), { roomId });
      return { requeueAfterMs: retryMs };
    }
    const { result, pending } = provisioned;
    if (result.status === 'rejected') {
      await this.#status.write(room, degraded('RoomRejected', `${result.code}: ${result.message}`), {
        roomId,
      });
      return { requeueAfterMs: retryMs };
    }

    const summary = await platform.actors.query<RoomSummary | null>('room', roomId, { type: 'summary' });
    const waiting = pending.length > 0;
    const message = waiting
      ? `${pending.length} declared member(s) have no account yet; they are added once they register`
      : '';
    await this.#status.write(
      room,
      {
        Ready: { status: 'True', reason: 'RoomProvisioned', message: `room ${roomId}` },
        Progressing: waiting
          ? { status: 'True', reason: 'WaitingForAccounts', message }
          : { status: 'False', reason: 'InSync', message: '' },
        Degraded: { status: 'False', reason: 'AsExpected', message: '' },
      },
      {
        roomId,
        members: Object.keys(summary?.members ?? {}).length,
        messages: summary?.messageCount ?? 0,
        ...(summary?.lastActivityAt ? { lastActivity: new Date(summary.lastActivityAt).toISOString() } : {}),
        pendingMembers: pending,
      },
    );
    return { requeueAfterMs: waiting ? retryMs : refreshMs };
  }

  /** Carries out the deletion policy, then lets the resource go. */
  async #finalize(room: ChatRoomObject, roomId: string): Promise<ReconcileResult> {
    if (!room.metadata.finalizers?.includes(roomFinalizer)) return {};
    if ((room.spec.deletionPolicy ?? 'Retain') === 'Delete') {
      // If the platform is gone too, there is no room left to delete.
      const platform = await this.#platform(room).catch((err: unknown) => {
        if (err instanceof PlatformGone) return undefined;
        throw err;
      });
      if (platform) await this.#command(platform, roomId, { type: 'close' });
      this.log.info('deleted a declared room', { chatroom: room.metadata.name, roomId });
    }
    await setFinalizer(this.#custom, 'chatrooms', room, roomFinalizer, false);
    return {};
  }

  /** Resolves the declared emails and makes the room match the spec. */
  async #provision(platform: PlatformClient, room: ChatRoomObject, roomId: string) {
    const { users } = await callRpc<{ users: Record<string, string> }>(
      platform.nc,
      identitySubjects.resolve,
      {
        emails: declaredEmails(room.spec),
      },
    );
    const { command, pending } = planRoom(room.spec, users);
    return { result: await this.#command(platform, roomId, command), pending };
  }

  async #platform(room: ChatRoomObject): Promise<PlatformClient> {
    const { namespace } = room.metadata;
    const mc = await readResource<MetaChatObject>(this.#custom, 'metachats', namespace, room.spec.platform);
    if (!mc) throw new PlatformGone(`MetaChat ${room.spec.platform} not found in ${namespace}`);
    return this.platforms.client(namespace, mc.spec);
  }

  async #command(platform: PlatformClient, roomId: string, command: object) {
    try {
      return await platform.actors.send('room', roomId, command, { timeoutMs: 10_000 });
    } catch (err) {
      throw new ApiError(
        'unavailable',
        503,
        `the chat service did not take the command: ${(err as Error).message}`,
      );
    }
  }
}

class PlatformGone extends Error {
  override name = 'PlatformNotFound';
}
