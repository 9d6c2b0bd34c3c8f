/**
 * Post-processing as HuggingFace's TemplateProcessing / BertProcessing: `[CLS] $A [SEP]` and
 * `[CLS] $A [SEP] $B:1 [SEP]:1`, with token_type_ids from the template; plus LongestFirst truncation
 * exactly as `tokenizers` computes it (which differs from the slow Python tokenizer's one-at-a-time removal on ties).
 */
import type { Encoding } from './types.ts';

export type TemplatePiece =
  | { readonly kind: 'special'; readonly ids: readonly number[]; readonly typeId: number }
  | { readonly kind: 'sequence'; readonly seq: 'A' | 'B'; readonly typeId: number };

export interface Template {
  readonly single: readonly TemplatePiece[];
  readonly pair: readonly TemplatePiece[];
}

/** Number of special tokens the template adds. */
/** BERT's template: [CLS] A [SEP] for one text, [CLS] A [SEP] B [SEP] (type ids 0…0 1…1) for pairs. */
export function bertTemplate(clsId: number, sepId: number): Template {
  return {
    single: [
      { kind: 'special', ids: [clsId], typeId: 0 },
      { kind: 'sequence', seq: 'A', typeId: 0 },
      { kind: 'special', ids: [sepId], typeId: 0 },
    ],
    pair: [
      { kind: 'special', ids: [clsId], typeId: 0 },
      { kind: 'sequence', seq: 'A', typeId: 0 },
      { kind: 'special', ids: [sepId], typeId: 0 },
      { kind: 'sequence', seq: 'B', typeId: 1 },
      { kind: 'special', ids: [sepId], typeId: 1 },
    ],
  };
}

export function specialCount(pieces: readonly TemplatePiece[]): number {
  let n = 0;
  for (const p of pieces) if (p.kind === 'special') n += p.ids.length;
  return n;
}

/** Lengths [n1, n2] the two sequences are cut to so that n1 + n2 ≤ max (tokenizers' LongestFirst). */
export function longestFirst(len1: number, len2: number, max: number): [number, number] {
  if (len1 + len2 <= max) return [len1, len2];
  if (max === 0) return [0, 0];
  let n1 = len1;
  let n2 = len2;
  const swap = n1 > n2;
  if (swap) [n1, n2] = [n2, n1];
  n2 = n1 > max ? n1 : Math.max(n1, max - n1);
  if (n1 + n2 > max) {
    n1 = Math.floor(max / 2);
    n2 = n1 + (max % 2);
  }
  return swap ? [n2, n1] : [n1, n2];
}

/** Length of the encoding the template produces. */
export function templateLength(
  pieces: readonly TemplatePiece[],
  a: readonly number[],
  b: readonly number[] | undefined,
  addSpecialTokens: boolean,
): number {
  let len = 0;
  for (const p of pieces) {
    if (p.kind === 'special') len += addSpecialTokens ? p.ids.length : 0;
    else len += (p.seq === 'A' ? a : b)?.length ?? 0;
  }
  return len;
}

/**
 * Writes the encoding into `into` (two views of templateLength() ints, e.g. slices of one batch buffer: one
 * allocation per batch instead of two per text) or into fresh arrays.
 */
export function applyTemplate(
  pieces: readonly TemplatePiece[],
  a: readonly number[],
  b: readonly number[] | undefined,
  addSpecialTokens: boolean,
  into?: Encoding,
): Encoding {
  const len = into ? into.inputIds.length : templateLength(pieces, a, b, addSpecialTokens);
  const inputIds = into ? into.inputIds : new Int32Array(len);
  const tokenTypeIds = into ? into.tokenTypeIds : new Int32Array(len);
  let k = 0;
  for (const p of pieces) {
    if (p.kind === 'special') {
      if (!addSpecialTokens) continue;
      for (const id of p.ids) {
        tokenTypeIds[k] = p.typeId;
        inputIds[k++] = id;
      }
    } else {
      const src = p.seq === 'A' ? a : b;
      if (!src) continue;
      inputIds.set(src, k);
      if (p.typeId !== 0) tokenTypeIds.fill(p.typeId, k, k + src.length);
      k += src.length;
    }
  }
  return { inputIds, tokenTypeIds };
}
