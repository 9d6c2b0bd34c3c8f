/**
 * WordPiece model (greedy longest-match-first), as in HuggingFace `tokenizers`: a word longer than
 * maxInputCharsPerWord code points, or one that cannot be fully covered by vocabulary pieces, becomes [UNK].
 * Pieces are found by walking a trie over UTF-16 units of the word in place (one for word-initial pieces, one for
 * "##" continuations keyed without the prefix): no substring is allocated or hashed, and the longest match is found
 * in one pass instead of trying every shorter substring. Hand-written: no npm trie gives "longest vocabulary entry
 * starting at index i of a string" without slicing.
 */
import { codePointLength } from './unicode.ts';

export interface WordPieceOptions {
  readonly vocab: ReadonlyMap<string, number>;
  readonly unkId: number;
  readonly continuingSubwordPrefix: string;
  readonly maxInputCharsPerWord: number;
  /**
   * Lookups of words starting with one UTF-16 unit before that unit's sub-trie is built (default 8; 0: on the first;
   * Infinity: never). Until then the vocabulary is looked up with substrings, with the same results.
   */
  readonly buildTrieAfter?: number;
}

/** A static trie in compressed-row form: node n's edges are edgeUnit/edgeNode[childStart[n] .. childStart[n+1]). */
class Trie {
  private readonly childStart: Int32Array;
  private readonly edgeUnit: Uint16Array;
  private readonly edgeNode: Int32Array;
  private readonly value: Int32Array;
  /** End (exclusive) of the last match found by longest(). */
  matchEnd = 0;

  /** Keys are read from index `skip` on (a bucket of keys that share their first `skip` units). */
  constructor(entries: readonly (readonly [string, number])[], skip = 0) {
    // Built without sorting the keys (sorting 30k strings was most of a tokenizer's start-up): an open-addressing
    // table maps (node, unit) to the child while inserting.
    let cap = 1;
    for (const [key] of entries) cap += key.length - skip;
    const unit = new Uint16Array(cap);
    const firstChild = new Int32Array(cap).fill(-1);
    const next = new Int32Array(cap).fill(-1);
    const value = new Int32Array(cap).fill(-1);
    let size = 16;
    while (size < cap * 2) size *= 2;
    const mask = size - 1;
    const slotParent = new Int32Array(size).fill(-1);
    const slotChild = new Int32Array(size);
    let count = 1;
    for (const [key, id] of entries) {
      let node = 0;
      for (let i = skip; i < key.length; i++) {
        const u = key.charCodeAt(i);
        let h = (Math.imul(node, 0x9e3779b1) ^ Math.imul(u, 0x85ebca6b)) & mask;
        while (slotParent[h]! >= 0 && (slotParent[h] !== node || unit[slotChild[h]!] !== u)) h = (h + 1) & mask;
        if (slotParent[h]! >= 0) node = slotChild[h]!;
        else {
          const c = count++;
          unit[c] = u;
          next[c] = firstChild[node]!;
          firstChild[node] = c;
          slotParent[h] = node;
          slotChild[h] = c;
          node = c;
        }
      }
      if (key.length > skip) value[node] = id;
    }
    // Compressed rows, each node's edges in unit order (binary search): every node but the root is the target of
    // exactly one edge. An edge sorts as unit · 2^32 + child, exact in a float64.
    this.childStart = new Int32Array(count + 1);
    this.edgeUnit = new Uint16Array(count - 1);
    this.edgeNode = new Int32Array(count - 1);
    const row = new Float64Array(count);
    let k = 0;
    for (let n = 0; n < count; n++) {
      this.childStart[n] = k;
      const only = firstChild[n]!;
      if (only >= 0 && next[only]! < 0) {
        this.edgeUnit[k] = unit[only]!;
        this.edgeNode[k++] = only;
        continue;
      }
      let m = 0;
      for (let c = only; c >= 0; c = next[c]!) row[m++] = unit[c]! * 0x100000000 + c;
      if (m > 1) row.subarray(0, m).sort();
      for (let j = 0; j < m; j++) {
        const e = row[j]!;
        this.edgeUnit[k] = Math.floor(e / 0x100000000);
        this.edgeNode[k++] = e % 0x100000000;
      }
    }
    this.childStart[count] = k;
    this.value = value.slice(0, count);
  }

  private child(node: number, unit: number): number {
    let lo = this.childStart[node]!;
    let hi = this.childStart[node + 1]!;
    const units = this.edgeUnit;
    if (hi - lo <= 8) {
      for (; lo < hi; lo++) if (units[lo] === unit) return this.edgeNode[lo]!;
      return -1;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const u = units[mid]!;
      if (u === unit) return this.edgeNode[mid]!;
      if (u < unit) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  /** Id of the longest entry equal to s[pos, e) for some e ≤ end (sets matchEnd), or -1. */
  longest(s: string, pos: number, end: number): number {
    let node = 0;
    let best = -1;
    for (let i = pos; i < end; i++) {
      const u = s.charCodeAt(i);
      node = this.child(node, u);
      if (node < 0) break;
      const v = this.value[node]!;
      // Matches end on code point boundaries only, as HF steps back one char at a time.
      if (v >= 0 && !splitsPair(s, i, end)) {
        best = v;
        this.matchEnd = i + 1;
      }
    }
    return best;
  }
}

/** True when a match may not end after s[i]: it is the high half of a surrogate pair that goes on before `end`. */
function splitsPair(s: string, i: number, end: number): boolean {
  const u = s.charCodeAt(i);
  return u >= 0xd800 && u <= 0xdbff && i + 1 < end && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
}

/**
 * The vocabulary's trie, one sub-trie per first UTF-16 unit, each built the first time a word starts with that unit:
 * a new tokenizer only sorts its keys into buckets (in a cold page, building the whole trie up front cost ~100 ms
 * of a classifier's start, most of it for pieces the first texts never use).
 */
class LazyTrie {
  /** Each first unit's keys, as indexes into `keys`, in vocabulary order; dropped once its sub-trie is built. */
  private readonly buckets = new Map<number, number[]>();
  private readonly single = new Map<number, number>();
  private readonly built = new Map<number, Trie>();
  /** End (exclusive) of the last match found by longest(). */
  matchEnd = 0;

  /** Lookups per first unit whose sub-trie is not built yet (see WordPieceOptions.buildTrieAfter). */
  private readonly uses = new Map<number, number>();
  /** The longest key, in units after `skip`. */
  private maxLength = 0;

  /**
   * Key i is keys[i] read from unit `skip` on (past the "##" of a continuation), its id ids[i]; only the indexes in
   * `which`, when given. No per-key object is made here: a cold page spent ~40 ms making [key, id] pairs. `vocab`
   * holds every key (as keys[i]: with the skipped prefix `prefix`), for the lookups before a sub-trie is built.
   */
  constructor(
    private readonly keys: readonly string[],
    private readonly ids: Int32Array,
    private readonly skip: number,
    which: Int32Array | undefined,
    private readonly vocab: ReadonlyMap<string, number>,
    private readonly prefix: string,
    private readonly buildAfter: number,
  ) {
    const n = which ? which.length : keys.length;
    for (let j = 0; j < n; j++) {
      const i = which ? which[j]! : j;
      const key = keys[i]!;
      if (key.length <= skip) continue;
      if (key.length - skip > this.maxLength) this.maxLength = key.length - skip;
      const u = key.charCodeAt(skip);
      if (key.length === skip + 1) {
        this.single.set(u, ids[i]!);
        continue;
      }
      const bucket = this.buckets.get(u);
      if (bucket) bucket.push(i);
      else this.buckets.set(u, [i]);
    }
  }

  /** Id of the longest entry equal to s[pos, e) for some e ≤ end (sets matchEnd), or -1. */
  longest(s: string, pos: number, end: number): number {
    if (pos >= end) return -1;
    const u = s.charCodeAt(pos);
    let best = -1;
    const one = this.single.get(u);
    if (one !== undefined && !splitsPair(s, pos, end)) {
      best = one;
      this.matchEnd = pos + 1;
    }
    let rest = this.built.get(u);
    if (rest === undefined) {
      const bucket = this.buckets.get(u);
      if (bucket === undefined) return best;
      const uses = (this.uses.get(u) ?? 0) + 1;
      if (uses <= this.buildAfter) {
        this.uses.set(u, uses);
        const v = this.lookUp(s, pos, end);
        return v >= 0 ? v : best;
      }
      this.uses.delete(u);
      rest = new Trie(
        bucket.map((i) => [this.keys[i]!, this.ids[i]!] as const),
        this.skip + 1,
      );
      this.built.set(u, rest);
      this.buckets.delete(u);
    }
    const v = rest.longest(s, pos + 1, end);
    if (v >= 0) {
      best = v;
      this.matchEnd = rest.matchEnd;
    }
    return best;
  }

  /**
   * Like longest() for keys of 2 units and more, without the sub-trie: the vocabulary looked up for s[pos, e), the
   * longest e first (HF's own WordPiece loop). Sets matchEnd when found; -1 when not.
   */
  private lookUp(s: string, pos: number, end: number): number {
    for (let e = Math.min(end, pos + this.maxLength); e >= pos + 2; e--) {
      if (splitsPair(s, e - 1, end)) continue;
      const id = this.vocab.get(this.prefix + s.slice(pos, e));
      if (id !== undefined) {
        this.matchEnd = e;
        return id;
      }
    }
    return -1;
  }
}

/**
 * A first unit's sub-trie is built on its BUILD_TRIE_AFTER + 1st lookup; until then the vocabulary is looked up with
 * substrings. Building one costs 1–6 ms in a cold page (bert-base, ~800 keys for "h"): a classifier's first text
 * starts ~10 of them, which a few Map lookups each answer (Node, cold: a first text's encoding 22 → 1.4 ms); a bulk
 * run builds every trie it keeps using.
 */
const BUILD_TRIE_AFTER = 8;

export class WordPiece {
  private readonly first: LazyTrie;
  private readonly cont: LazyTrie;

  constructor(private readonly o: WordPieceOptions) {
    const prefix = o.continuingSubwordPrefix;
    const keys = Array.from(o.vocab.keys());
    const ids = Int32Array.from(o.vocab.values());
    const after = o.buildTrieAfter ?? BUILD_TRIE_AFTER;
    this.first = new LazyTrie(keys, ids, 0, undefined, o.vocab, '', after);
    if (prefix.length === 0) this.cont = this.first;
    else {
      const cont: number[] = [];
      for (let i = 0; i < keys.length; i++) if (keys[i]!.startsWith(prefix)) cont.push(i);
      this.cont = new LazyTrie(keys, ids, prefix.length, Int32Array.from(cont), o.vocab, prefix, after);
    }
  }

  /** Appends the ids of the pre-tokenized word s[start, end) to out. */
  encodeWord(s: string, start: number, end: number, out: number[]): void {
    const max = this.o.maxInputCharsPerWord;
    if (end - start > max && codePointLength(s.slice(start, end)) > max) {
      out.push(this.o.unkId);
      return;
    }
    const mark = out.length;
    let trie = this.first;
    let pos = start;
    while (pos < end) {
      const id = trie.longest(s, pos, end);
      if (id < 0) {
        out.length = mark;
        out.push(this.o.unkId);
        return;
      }
      out.push(id);
      pos = trie.matchEnd;
      trie = this.cont;
    }
  }
}
