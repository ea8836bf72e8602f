// The simulator's agenda: a binary min-heap on (time, insertion order), so events at the same virtual instant run in
// the order they were scheduled and a run is reproducible from its seed. Held as parallel arrays, the keys in typed
// arrays: a comparison reads two numbers side by side instead of two objects scattered over the heap (a 10,000-node
// run keeps ~50,000 events pending, and every push and pop compares ~16 of them).

export class EventQueue<T> {
  private at = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  private values: (T | undefined)[] = [];
  private n = 0;
  private seq = 0;

  get size(): number {
    return this.n;
  }

  /** Time of the earliest item; Infinity when empty. */
  peekTime(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.at[0]!;
  }

  push(at: number, value: T): void {
    if (this.n === this.at.length) this.grow();
    const times = this.at;
    const seqs = this.seqs;
    const values = this.values;
    const seq = this.seq++;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < at || (pt === at && seqs[parent]! < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent]!;
      values[i] = values[parent];
      i = parent;
    }
    times[i] = at;
    seqs[i] = seq;
    values[i] = value;
  }

  pop(): { at: number; value: T } | undefined {
    if (this.n === 0) return undefined;
    const times = this.at;
    const seqs = this.seqs;
    const values = this.values;
    const top = { at: times[0]!, value: values[0]! };
    const last = --this.n;
    const t = times[last]!;
    const s = seqs[last]!;
    const v = values[last];
    values[last] = undefined;
    if (last > 0) {
      // Sift the last item down from the root.
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        const r = l + 1;
        let m = l;
        if (r < last && (times[r]! < times[l]! || (times[r] === times[l] && seqs[r]! < seqs[l]!))) m = r;
        if (t < times[m]! || (t === times[m] && s < seqs[m]!)) break;
        times[i] = times[m]!;
        seqs[i] = seqs[m]!;
        values[i] = values[m];
        i = m;
      }
      times[i] = t;
      seqs[i] = s;
      values[i] = v;
    }
    return top;
  }

  private grow(): void {
    const times = new Float64Array(this.at.length * 2);
    times.set(this.at);
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.at = times;
    this.seqs = seqs;
  }
}
