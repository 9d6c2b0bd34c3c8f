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
