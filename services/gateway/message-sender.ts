import type { ActorClient } from '../actors/client.js';
import { DirectGuard, type BlockCache } from './block-cache.js';
import { commandIdFor, pick, roomCommand } from './chat-commands.js';

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
    return roomCommand(this.actors, room, { type: 'send', by: user, text }, commandId);
  }
}
