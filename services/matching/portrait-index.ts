/**
 * Vectors of many users in one flat Float32Array, searched by brute force:
 * for a few dozen dimensions a linear scan of contiguous memory beats an
 * approximate index up to millions of rows, and is exact.
 */
export class PortraitIndex {
  #vectors: Float32Array;
  readonly #ids: string[] = [];
  readonly #slots = new Map<string, number>();

  constructor(
    readonly dims: number,
    capacity = 1024,
  ) {
    this.#vectors = new Float32Array(capacity * dims);
  }

  get size(): number {
    return this.#ids.length;
  }

  has(id: string): boolean {
    return this.#slots.has(id);
  }

  upsert(id: string, vector: Float32Array): void {
    let slot = this.#slots.get(id);
    if (slot === undefined) {
      slot = this.#ids.length;
      if ((slot + 1) * this.dims > this.#vectors.length) {
        const grown = new Float32Array(this.#vectors.length * 2);
        grown.set(this.#vectors);
        this.#vectors = grown;
      }
      this.#ids.push(id);
      this.#slots.set(id, slot);
    }
    this.#vectors.set(vector, slot * this.dims);
  }

  remove(id: string): void {
    const slot = this.#slots.get(id);
    if (slot === undefined) return;
    const last = this.#ids.length - 1;
    if (slot !== last) {
      // The last row fills the hole, so rows stay contiguous.
      this.#vectors.copyWithin(slot * this.dims, last * this.dims, (last + 1) * this.dims);
      const moved = this.#ids[last]!;
      this.#ids[slot] = moved;
      this.#slots.set(moved, slot);
    }
    this.#ids.pop();
    this.#slots.delete(id);
  }

  /** The k rows most similar to `query` (dot product), best first, leaving out `exclude`. */
  nearest(
    query: Float32Array,
    k: number,
    exclude: ReadonlySet<string> = new Set(),
  ): { id: string; score: number }[] {
    const { dims } = this;
    const vectors = this.#vectors;
    // The best k so far, worst first: a row enters only if it beats the worst.
    const bestSlots: number[] = [];
    const bestScores: number[] = [];
    for (let slot = 0, base = 0; slot < this.#ids.length; slot++, base += dims) {
      // Four running sums: independent multiply-adds the CPU can overlap.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let d = 0;
      for (; d + 3 < dims; d += 4) {
        s0 += vectors[base + d]! * query[d]!;
        s1 += vectors[base + d + 1]! * query[d + 1]!;
        s2 += vectors[base + d + 2]! * query[d + 2]!;
        s3 += vectors[base + d + 3]! * query[d + 3]!;
      }
      for (; d < dims; d++) s0 += vectors[base + d]! * query[d]!;
      const score = s0 + s1 + s2 + s3;
      if (bestSlots.length === k && score <= bestScores[0]!) continue;
      if (exclude.size > 0 && exclude.has(this.#ids[slot]!)) continue;
      let at = 0;
      while (at < bestScores.length && bestScores[at]! < score) at++;
      bestSlots.splice(at, 0, slot);
      bestScores.splice(at, 0, score);
      if (bestSlots.length > k) {
        bestSlots.shift();
        bestScores.shift();
      }
    }
    return bestSlots.map((slot, i) => ({ id: this.#ids[slot]!, score: bestScores[i]! })).reverse();
  }
}
