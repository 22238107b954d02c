import type { ActorClient } from '../actors/client.js';
import { DirectGuard, type BlockCache } from './block-cache.js';
import type { RoomReply } from '../chat/room.js';
import { sendDigest } from '../chat/send-digest.js';
import { ApiError } from '../kit/api-error.js';
import { actorCommand, commandIdFor, pick } from './chat-commands.js';

/**
 * Sending a message, the same whether it comes over REST or the live socket:
 * the body's fields checked, the client's id made the command id (a retry on
 * any gateway and either transport is stored once), blocks between the two
 * people of a direct conversation honoured, and the room's answer returned.
 */
export class MessageSender {
  readonly #direct: DirectGuard;

  constructor(
    private readonly actors: ActorClient,
    blocks: BlockCache,
  ) {
    this.#direct = new DirectGuard(blocks, actors);
  }

  async send(user: string, room: string, body: unknown): Promise<{ seq: number }> {
    const { text, clientId } = pick(body, ['text', 'clientId']);
    const commandId = commandIdFor(user, clientId);
    await this.#direct.check(room, user);
    const target = { type: 'room', id: room, noun: 'room' } as const;
    const result = await actorCommand(this.actors, target, { type: 'send', by: user, text }, commandId);
    // A retry answers the first send's result: the same message, or another one that reused its id.
    const digest = (result.reply as RoomReply | undefined)?.digest;
    if (digest !== undefined && (typeof text !== 'string' || digest !== sendDigest(text))) {
      throw new ApiError('client_id_reused', 409, 'this clientId was used for a different message', {
        field: 'clientId',
        seq: result.version,
      });
    }
    return { seq: result.version };
  }
}
