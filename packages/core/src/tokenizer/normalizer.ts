/**
 * BertNormalizer, as in HuggingFace `tokenizers` (the engine behind BertTokenizerFast), in this order:
 * clean text (drop \0, U+FFFD and control chars; whitespace → ' '), pad CJK ideographs with spaces,
 * strip accents (NFD, drop Mn) when stripAccents ?? lowercase, lowercase one code point at a time.
 */
import { CHINESE, CONTROL, WHITESPACE, charClass, codePointAt } from './unicode.ts';

export interface NormalizerOptions {
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  /** null: follow lowercase. */
  readonly stripAccents: boolean | null;
  readonly lowercase: boolean;
}

export type Normalize = (text: string) => string;

// Printable ASCII only: nothing to clean, no CJK, NFD is the identity.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const MN = /\p{Mn}/gu;
const NON_ASCII = /[\u0080-\uffff]/;

/** One pass over code points: cleaning and CJK padding (the two steps that need per-character classes). */
function cleanAndPad(text: string, clean: boolean, cjk: boolean): string {
  let out = '';
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = codePointAt(text, i);
    const width = cp > 0xffff ? 2 : 1;
    let replacement: string | undefined;
    if (clean) {
      if (cp === 0 || cp === 0xfffd) replacement = '';
      else {
        const cls = charClass(cp);
        if (cls & CONTROL) replacement = '';
        else if (cls & WHITESPACE) replacement = cp === 32 ? undefined : ' ';
      }
    }
    if (replacement === undefined && cjk && cp >= 0x3400 && charClass(cp) & CHINESE) {
      replacement = ' ' + String.fromCodePoint(cp) + ' ';
    }
    if (replacement !== undefined) {
      out += text.slice(runStart, i) + replacement;
      runStart = i + width;
    }
    i += width - 1;
  }
  return runStart === 0 ? text : out + text.slice(runStart);
}

/** Per-code-point lowercase (no Final_Sigma context rule, unlike String#toLowerCase on a whole string). */
function lowercase(text: string): string {
  return (text.includes('Σ') ? text.replace(/Σ/g, 'σ') : text).toLowerCase();
}

export function createNormalizer(o: NormalizerOptions): Normalize {
  const strip = o.stripAccents ?? o.lowercase;
  return (text: string): string => {
    let s = text;
    if (!PRINTABLE_ASCII.test(s)) {
      if (o.cleanText || o.handleChineseChars) s = cleanAndPad(s, o.cleanText, o.handleChineseChars);
      if (strip && NON_ASCII.test(s)) s = s.normalize('NFD').replace(MN, '');
    }
    if (o.lowercase) s = lowercase(s);
    return s;
  };
}
