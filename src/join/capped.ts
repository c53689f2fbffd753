// Bounded tables for a join that runs as long as a live supervisor: a Map that forgets its oldest
// entries past a size cap, and a fixed-capacity FIFO.
export class CappedMap<K, V> extends Map<K, V> {
  constructor(readonly cap: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.cap) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}

/** A fixed-capacity FIFO: pushing past the cap drops the oldest entry. */
export class Ring<T> {
  #items: T[] = [];
  #head = 0;
  constructor(readonly cap: number) {}

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
    if (this.size > this.cap) this.#head++;
    // Compact now and then so dropped entries are released.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Keeps the entries for which `keep` returns true, in order. */
  retain(keep: (item: T) => boolean): void {
    const out: T[] = [];
    for (let i = this.#head; i < this.#items.length; i++) if (keep(this.#items[i])) out.push(this.#items[i]);
    this.#items = out;
    this.#head = 0;
  }
}
