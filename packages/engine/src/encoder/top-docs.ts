/**
 * The best k documents of a ranking while it runs: each document scores by
 * its best entry, and the weakest of the k is known at once (the bar any
 * other document must pass). An indexed min-heap over document ids, on
 * typed arrays sized once per index: offering an entry allocates nothing.
 * Documents order by higher score, then lower id.
 */
/** Most documents sorted by insertion (see sorted). */
const SMALL = 64;

export class TopDocs {
  /** Score and best entry of each document in the heap (stale for the others). */
  readonly score: Float64Array;
  readonly entry: Int32Array;
  /** Place of each document in the heap, -1 when not in it. */
  private readonly pos: Int32Array;
  private readonly heap: Int32Array;
  /** The kept documents put in order (see sorted). */
  private readonly order = new Int32Array(SMALL);
  private size = 0;
  private limit = 0;

  constructor(docCount: number, maxLimit: number) {
    this.score = new Float64Array(docCount);
    this.entry = new Int32Array(docCount);
    this.pos = new Int32Array(docCount).fill(-1);
    this.heap = new Int32Array(maxLimit);
  }

  /** Start a new ranking keeping `limit` documents (at most the size given at construction). */
  reset(limit: number): void {
    for (let i = 0; i < this.size; i++) this.pos[this.heap[i]!] = -1;
    this.size = 0;
    this.limit = Math.min(limit, this.heap.length);
  }

  /** Whether `limit` documents are kept. */
  get full(): boolean {
    return this.size >= this.limit;
  }

  /** The score a document must pass to enter: the weakest kept document's when full, else -Infinity. */
  get bar(): number {
    return this.size >= this.limit && this.size > 0 ? this.score[this.heap[0]!]! : -Infinity;
  }

  /** The weakest kept document when `limit` are kept (its score is the bar), else -1: an id, so reading it allocates nothing. */
  weakest(): number {
    return this.size >= this.limit && this.size > 0 ? this.heap[0]! : -1;
  }

  /** An entry's score for its document: kept if the document's best so far, and among the best k. */
  offer(doc: number, entry: number, score: number): void {
    if (this.limit === 0) return;
    const at = this.pos[doc]!;
    if (at >= 0) {
      if (score > this.score[doc]!) {
        this.score[doc] = score;
        this.entry[doc] = entry;
        this.down(at);
      }
      return;
    }
    if (this.size < this.limit) {
      this.score[doc] = score;
      this.entry[doc] = entry;
      this.heap[this.size] = doc;
      this.up(this.size++);
      return;
    }
    const root = this.heap[0]!;
    if (score < this.score[root]! || (score === this.score[root] && doc > root)) return;
    this.pos[root] = -1;
    this.score[doc] = score;
    this.entry[doc] = entry;
    this.heap[0] = doc;
    this.down(0);
  }

  /** The kept documents, best first (the heap is left as it is; reset starts over). */
  sorted(): Array<{ doc: number; entry: number; score: number }> {
    const n = this.size;
    const out = new Array<{ doc: number; entry: number; score: number }>(n);
    if (n > SMALL) {
      for (let i = 0; i < n; i++) {
        const doc = this.heap[i]!;
        out[i] = { doc, entry: this.entry[doc]!, score: this.score[doc]! };
      }
      return out.sort((a, b) => b.score - a.score || a.doc - b.doc);
    }
    // Few documents: an insertion sort of their ids in place of the call to sort (which copies the list).
    const docs = this.order;
    for (let i = 0; i < n; i++) {
      const doc = this.heap[i]!;
      let k = i;
      while (k > 0 && this.weaker(docs[k - 1]!, doc)) {
        docs[k] = docs[k - 1]!;
        k--;
      }
      docs[k] = doc;
    }
    for (let i = 0; i < n; i++) {
      const doc = docs[i]!;
      out[i] = { doc, entry: this.entry[doc]!, score: this.score[doc]! };
    }
    return out;
  }

  /** Whether document a ranks below document b: lower score, then higher id. */
  private weaker(a: number, b: number): boolean {
    const s = this.score;
    return s[a]! < s[b]! || (s[a] === s[b] && a > b);
  }

  private down(k: number): void {
    const heap = this.heap;
    const doc = heap[k]!;
    for (;;) {
      const l = 2 * k + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const c = r < this.size && this.weaker(heap[r]!, heap[l]!) ? r : l;
      if (!this.weaker(heap[c]!, doc)) break;
      heap[k] = heap[c]!;
      this.pos[heap[k]!] = k;
      k = c;
    }
    heap[k] = doc;
    this.pos[doc] = k;
  }

  private up(k: number): void {
    const heap = this.heap;
    const doc = heap[k]!;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!this.weaker(doc, heap[parent]!)) break;
      heap[k] = heap[parent]!;
      this.pos[heap[k]!] = k;
      k = parent;
    }
    heap[k] = doc;
    this.pos[doc] = k;
  }
}
