/**
 * WordPiece model (greedy longest-match-first), as in HuggingFace `tokenizers`: a word longer than
 * maxInputCharsPerWord code points, or one that cannot be fully covered by vocabulary pieces, becomes [UNK].
 * Continuation pieces are looked up in a second map keyed without the "##" prefix (no string concatenation),
 * and the search never tries substrings longer than the longest vocabulary entry. Results are cached per word.
 */
import { codePointLength } from './unicode';

export interface WordPieceOptions {
  readonly vocab: ReadonlyMap<string, number>;
  readonly unkId: number;
  readonly continuingSubwordPrefix: string;
  readonly maxInputCharsPerWord: number;
  /** Words kept in the cache before it is cleared (bounds memory on huge inputs). */
  readonly cacheSize?: number;
}

export class WordPiece {
  private readonly first: ReadonlyMap<string, number>;
  private readonly cont = new Map<string, number>();
  private readonly maxFirst: number;
  private readonly maxCont: number;
  private readonly cache = new Map<string, number | readonly number[]>();
  private readonly cacheSize: number;

  constructor(private readonly o: WordPieceOptions) {
    this.first = o.vocab;
    const prefix = o.continuingSubwordPrefix;
    let maxFirst = 0;
    let maxCont = 0;
    for (const [tok, id] of o.vocab) {
      maxFirst = Math.max(maxFirst, tok.length);
      if (prefix.length > 0 && tok.startsWith(prefix)) {
        const rest = tok.slice(prefix.length);
        // Same lookup as HF: the concatenation prefix+piece; on duplicates the vocab map already holds the winner.
        if (!this.cont.has(rest)) this.cont.set(rest, id);
        maxCont = Math.max(maxCont, rest.length);
      }
    }
    if (prefix.length === 0) {
      for (const [tok, id] of o.vocab) this.cont.set(tok, id);
      maxCont = maxFirst;
    }
    this.maxFirst = maxFirst;
    this.maxCont = maxCont;
    this.cacheSize = o.cacheSize ?? 50_000;
  }

  /** Appends the ids of one pre-tokenized word to out. */
  encodeWord(word: string, out: number[]): void {
    const cached = this.cache.get(word);
    if (cached !== undefined) {
      if (typeof cached === 'number') out.push(cached);
      else for (let k = 0; k < cached.length; k++) out.push(cached[k]!);
      return;
    }
    const ids = this.compute(word);
    if (this.cache.size >= this.cacheSize) this.cache.clear();
    this.cache.set(word, ids.length === 1 ? ids[0]! : ids);
    for (let k = 0; k < ids.length; k++) out.push(ids[k]!);
  }

  private compute(word: string): number[] {
    const unk = [this.o.unkId];
    const n = word.length;
    if (n > this.o.maxInputCharsPerWord && codePointLength(word) > this.o.maxInputCharsPerWord) return unk;
    const ids: number[] = [];
    let start = 0;
    while (start < n) {
      const map = start === 0 ? this.first : this.cont;
      let end = Math.min(n, start + (start === 0 ? this.maxFirst : this.maxCont));
      let id: number | undefined;
      while (end > start) {
        // Never cut between the two halves of a surrogate pair (HF steps back one code point at a time).
        const c = word.charCodeAt(end - 1);
        if (end < n && c >= 0xd800 && c <= 0xdbff) {
          const d = word.charCodeAt(end);
          if (d >= 0xdc00 && d <= 0xdfff) {
            end--;
            continue;
          }
        }
        id = map.get(word.slice(start, end));
        if (id !== undefined) break;
        end--;
      }
      if (id === undefined) return unk;
      ids.push(id);
      start = end;
    }
    return ids;
  }
}
