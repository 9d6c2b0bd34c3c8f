/**
 * Character classes used by BERT's normalizer and pre-tokenizer, with the exact definitions of HuggingFace
 * `tokenizers` (Rust): control = Cc, Cf or Co (its `unicode_categories::is_other`: NOT unassigned Cn, unlike the
 * slow Python tokenizer) except \t \n \r, plus lone surrogates (impossible in Rust strings, so no reference: we
 * drop them); whitespace = \t \n \r or the White_Space
 * property (Rust `char::is_whitespace`); punctuation = ASCII 33–47, 58–64, 91–96, 123–126 or any Unicode P*;
 * Chinese = the CJK ideograph blocks listed in BERT's original `_is_chinese_char`, including the planes above U+FFFF.
 * Hand-written because no npm package exposes these exact BERT definitions; classes are cached per code point.
 * Unicode data comes from the JS engine (Unicode 15+); tokenizers' tables are older, so characters assigned in recent
 * Unicode versions may be classed differently there (rare: recently added Cf, punctuation or Mn characters).
 */

export const CONTROL = 1;
export const WHITESPACE = 2;
export const PUNCTUATION = 4;
export const CHINESE = 8;

const RE_OTHER = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}]$/u;
const RE_PUNCT = /^\p{P}$/u;
const RE_WHITE_SPACE = /^[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;

export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** The class from Unicode properties (regular expressions: their first use compiles large tables). */
export function computeClass(cp: number): number {
  // Lone surrogates (possible in JS strings, impossible in Rust/Python UTF-8 text) count as control: dropped.
  const ch = String.fromCodePoint(cp);
  let c = 0;
  if (cp === 9 || cp === 10 || cp === 13) c |= WHITESPACE;
  else if (RE_OTHER.test(ch)) c |= CONTROL;
  if (RE_WHITE_SPACE.test(ch)) c |= WHITESPACE;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
    c |= PUNCTUATION;
  else if (RE_PUNCT.test(ch)) c |= PUNCTUATION;
  if (isChineseChar(cp)) c |= CHINESE;
  return c;
}

// BMP classes: 0 = not computed yet, otherwise class + 16 (so that "no class" is distinguishable from "unknown").
const bmp = new Uint8Array(0x10000);
const astral = new Map<number, number>();

/**
 * The ASCII classes without the regular expressions (equal to computeClass, tested), so that importing the tokenizer
 * compiles none of them (~5 ms of a cold page) and an ASCII text never does.
 */
export function asciiClass(cp: number): number {
  if (cp === 9 || cp === 10 || cp === 13 || cp === 32) return WHITESPACE;
  if (cp === 11 || cp === 12) return CONTROL | WHITESPACE; // \v \f: Cc, and whitespace
  if (cp < 32 || cp === 127) return CONTROL;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
    return PUNCTUATION;
  return 0;
}

for (let cp = 0; cp < 128; cp++) bmp[cp] = asciiClass(cp) + 16;

/** Bit set of CONTROL | WHITESPACE | PUNCTUATION | CHINESE for one code point. */
export function charClass(cp: number): number {
  if (cp < 0x10000) {
    const v = bmp[cp]!;
    if (v !== 0) return v - 16;
    const c = computeClass(cp);
    bmp[cp] = c + 16;
    return c;
  }
  let c = astral.get(cp);
  if (c === undefined) {
    c = computeClass(cp);
    astral.set(cp, c);
  }
  return c;
}

/** Code point at index i of s (a lone surrogate is returned as itself). */
export function codePointAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return c;
}

/** Number of code points in s (what Rust `chars().count()` and Python `len` give). */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
