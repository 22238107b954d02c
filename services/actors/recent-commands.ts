import type { CommandResult } from './types.js';

/**
 * The results of an actor's most recent commands, by command id, so a command
 * retried after a timeout or a crash is answered with its first result instead
 * of being applied twice. Bounded: the oldest entries fall out first.
 */
export class RecentCommands {
  readonly #results = new Map<string, CommandResult>();

  constructor(private readonly limit: number) {}

  get(commandId: string): CommandResult | undefined {
    return this.#results.get(commandId);
  }

  set(commandId: string, result: CommandResult): void {
    this.#results.delete(commandId);
    this.#results.set(commandId, result);
    if (this.#results.size > this.limit) this.#results.delete(this.#results.keys().next().value!);
  }

  /** The newest `count` results, oldest first. */
  newest(count: number): { commandId: string; result: CommandResult }[] {
    return [...this.#results].slice(-count).map(([commandId, result]) => ({ commandId, result }));
  }
}
