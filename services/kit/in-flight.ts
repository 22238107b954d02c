/**
 * Counts work in progress so shutdown can wait for it. `track` wraps a
 * promise; `drained` resolves once nothing is in flight.
 */
export class InFlight {
  #count = 0;
  #waiters: (() => void)[] = [];

  get count(): number {
    return this.#count;
  }

  async track<T>(work: Promise<T> | (() => Promise<T>)): Promise<T> {
    this.#count++;
    try {
      return await (typeof work === 'function' ? work() : work);
    } finally {
      this.#count--;
      if (this.#count === 0) this.#waiters.splice(0).forEach((wake) => wake());
    }
  }

  drained(): Promise<void> {
    return this.#count === 0 ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve));
  }
}
