/**
 * Added (mostly special) tokens matched literally in the text before the model sees it, as HuggingFace
 * `tokenizers`' AddedVocabulary does: leftmost-longest, non-overlapping matches; `single_word` matches that touch
 * a word character are discarded; `lstrip`/`rstrip` swallow the whitespace beside the token. Tokens with
 * normalized=false match the raw text (case-sensitive: "[SEP]" matches, "[sep]" does not); normalized=true tokens
 * match the normalized text of the pieces in between.
 */
export interface AddedToken {
  readonly id: number;
  readonly content: string;
  readonly singleWord: boolean;
  readonly lstrip: boolean;
  readonly rstrip: boolean;
  readonly normalized: boolean;
  readonly special: boolean;
}

/** A piece of text to tokenize, or the id of a matched added token. */
export type Piece = string | number;

// Rust regex `\w` / `\s` (Unicode): word = Alphabetic, M, Nd, Pc, Join_Control; space = White_Space.
const ENDS_WITH_WORD = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]$/u;
const STARTS_WITH_WORD = /^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u;
const SPACE = /[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export class AddedTokenMatcher {
  private readonly re: RegExp | undefined;
  private readonly byContent = new Map<string, AddedToken>();

  /** `patterns` maps each token to the string searched for (its content, or its normalized content). */
  constructor(tokens: readonly { token: AddedToken; pattern: string }[]) {
    const usable = tokens.filter((t) => t.pattern.length > 0);
    for (const t of usable) if (!this.byContent.has(t.pattern)) this.byContent.set(t.pattern, t.token);
    // Longest first: JS alternation is leftmost-first, so this gives aho-corasick's leftmost-longest.
    const sorted = [...this.byContent.keys()].sort((a, b) => b.length - a.length);
    this.re = sorted.length > 0 ? new RegExp(sorted.map(escapeRegExp).join('|'), 'gu') : undefined;
  }

  get empty(): boolean {
    return this.re === undefined;
  }

  /** Splits text into pieces (strings, possibly empty-free) and added-token ids, in order. */
  split(text: string, out: Piece[]): void {
    const re = this.re;
    if (re === undefined || text.length === 0) {
      if (text.length > 0) out.push(text);
      return;
    }
    re.lastIndex = 0;
    let offset = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      const tok = this.byContent.get(m[0])!;
      let start = m.index;
      let stop = start + m[0].length;
      if (tok.singleWord) {
        const startOk = start === 0 || !ENDS_WITH_WORD.test(text.slice(Math.max(0, start - 2), start));
        const stopOk = stop === text.length || !STARTS_WITH_WORD.test(text.slice(stop, stop + 2));
        if (!startOk || !stopOk) continue;
      }
      // The previous match may already have swallowed the spaces on the left.
      if (tok.lstrip) while (start > offset && SPACE.test(text[start - 1]!)) start--;
      if (tok.rstrip) while (stop < text.length && SPACE.test(text[stop]!)) stop++;
      if (offset < start) out.push(text.slice(offset, start));
      out.push(tok.id);
      offset = stop;
      re.lastIndex = Math.max(re.lastIndex, stop);
    }
    if (offset < text.length) out.push(text.slice(offset));
  }
}
