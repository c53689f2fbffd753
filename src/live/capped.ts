// A Map that forgets its oldest entries past a size cap: live join state (prompts, calls, tools,
// processes) must stay bounded however long the supervisor runs.
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
