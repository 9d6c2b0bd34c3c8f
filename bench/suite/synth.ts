/** n texts made by varying SMS texts deterministically (word rotation + a counter), labels kept. Pure. */
export function synthesize(
  texts: readonly string[],
  labels: readonly string[],
  n: number,
): { texts: string[]; labels: string[] } {
  const out: string[] = [];
  const outLabels: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % texts.length;
    const round = Math.floor(i / texts.length);
    const words = texts[k]!.split(' ');
    const r = round % Math.max(1, words.length);
    const rotated = round === 0 ? words : [...words.slice(r), ...words.slice(0, r)];
    out.push(round === 0 ? texts[k]! : `${rotated.join(' ')} #${round}`);
    outLabels.push(labels[k]!);
  }
  return { texts: out, labels: outLabels };
}
