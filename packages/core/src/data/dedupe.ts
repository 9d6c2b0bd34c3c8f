import type { DedupeResult } from './types.ts';

/** The text used to find duplicates: NFKC, lower-case, whitespace runs collapsed to one space, trimmed. */
export function normalizeForDedupe(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Removes duplicate texts (by normalised text), keeping the first occurrence of each.
 * When the copies of a text carry different labels, the kept row gets the majority label of the group
 * (on a tie, the label that appeared first) and the group is counted in `conflictingGroups`.
 */
export function dedupe(texts: readonly string[], labels: readonly string[]): DedupeResult {
  if (texts.length !== labels.length) throw new RangeError(`dedupe: ${texts.length} texts but ${labels.length} labels`);
  const groups = new Map<string, { first: number; votes: Map<string, number> }>();
  texts.forEach((t, i) => {
    const key = normalizeForDedupe(t);
    const g = groups.get(key);
    const label = labels[i]!;
    if (g) g.votes.set(label, (g.votes.get(label) ?? 0) + 1);
    else groups.set(key, { first: i, votes: new Map([[label, 1]]) });
  });
  const keep: number[] = [];
  const kept: string[] = [];
  let conflictingGroups = 0;
  for (const g of groups.values()) {
    let best = '';
    let bestN = -1;
    for (const [l, n] of g.votes) {
      if (n > bestN) {
        best = l;
        bestN = n;
      }
    }
    if (g.votes.size > 1) conflictingGroups++;
    keep.push(g.first);
    kept.push(best);
  }
  // Map preserves insertion order = order of first occurrence, so `keep` is already ascending.
  return { keep, labels: kept, duplicatesRemoved: texts.length - keep.length, conflictingGroups };
}
