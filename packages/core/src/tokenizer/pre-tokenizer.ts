/**
 * BertPreTokenizer, as in HuggingFace `tokenizers`: split on whitespace (removed), then isolate every punctuation
 * character. CJK ideographs were already surrounded by spaces by the normalizer. Works on UTF-16 units with code
 * point classes, so characters above U+FFFF are handled as one character.
 */
import { PUNCTUATION, WHITESPACE, charClass, codePointAt } from './unicode.ts';

/** Calls `word` with the bounds of each pre-token of s, in order (no substrings); stops early when it returns true. */
export function preTokenize(s: string, word: (s: string, start: number, end: number) => boolean): void {
  let start = -1;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    let cls: number;
    let width = 1;
    if (c < 128) {
      // Fast path: letters and digits are the common case.
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90)) {
        if (start < 0) start = i;
        continue;
      }
      cls = charClass(c);
    } else {
      const cp = codePointAt(s, i);
      if (cp > 0xffff) width = 2;
      cls = charClass(cp);
    }
    if (cls & WHITESPACE) {
      if (start >= 0) {
        if (word(s, start, i)) return;
        start = -1;
      }
    } else if (cls & PUNCTUATION) {
      if (start >= 0 && word(s, start, i)) return;
      if (word(s, i, i + width)) return;
      start = -1;
    } else if (start < 0) start = i;
    i += width - 1;
  }
  if (start >= 0) word(s, start, n);
}
