/** The SMS corpus and synthetic variants, as plain strings (Node side; the page receives them as JSON). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedRoot = process.env.BROWSER_BERT_SHARED ?? path.resolve(repoRoot, '../shared');
export const smsPath = path.join(sharedRoot, 'data/sms-spam/SMSSpamCollection.tsv');
export const vocabPath = path.join(sharedRoot, 'data/bert-base-uncased/vocab.txt');

export interface Corpus {
  readonly texts: string[];
  readonly labels: string[];
}

/** label<TAB>text per line, no header (the UCI file). */
export function loadSms(): Corpus {
  const texts: string[] = [];
  const labels: string[] = [];
  for (const line of readFileSync(smsPath, 'utf8').split(/\r?\n/)) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    labels.push(line.slice(0, tab));
    texts.push(line.slice(tab + 1));
  }
  return { texts, labels };
}

/** n texts made by varying SMS texts deterministically (suffix counter, word rotation), labels kept. */
export function synthesize(base: Corpus, n: number): Corpus {
  const texts: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % base.texts.length;
    const round = Math.floor(i / base.texts.length);
    const words = base.texts[k]!.split(' ');
    const r = round % Math.max(1, words.length);
    const rotated = round === 0 ? words : [...words.slice(r), ...words.slice(0, r)];
    texts.push(round === 0 ? base.texts[k]! : `${rotated.join(' ')} #${round}`);
    labels.push(base.labels[k]!);
  }
  return { texts, labels };
}
