import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSpamAssassin, readSpamAssassinRecords, spamAssassinFileList } from '../../src/data/node-spam-assassin';

test('SpamAssassin corpus: 6,046 messages in the documented groups', async () => {
  const counts: Record<string, number> = {};
  for (const f of await spamAssassinFileList()) counts[f.split('/')[0]!] = (counts[f.split('/')[0]!] ?? 0) + 1;
  // Group sizes as documented in the package README.
  assert.deepEqual(counts, {
    'easy-ham-1': 2500,
    'easy-ham-2': 1400,
    'hard-ham-1': 250,
    'spam-1': 500,
    'spam-2': 1396,
  });
  const some = await readSpamAssassinRecords({ groups: ['hard-ham-1'], limitPerGroup: 3 });
  assert.deepEqual(
    some.map((r) => r.group),
    ['hard-ham-1', 'hard-ham-1', 'hard-ham-1'],
  );
  assert.match(some[0]!.text, /^Return-Path: Fool@motleyfool.com\n/); // raw message, headers included
});

test('loadSpamAssassin: spam/ham labels, subject + body, no headers (20 messages per group)', async () => {
  let progress = 0;
  const d = await loadSpamAssassin({ limitPerGroup: 20, onProgress: (done) => (progress = done) });
  assert.equal(progress, 100);
  assert.equal(d.texts.length + d.rowsSkipped, 100);
  const per = (l: string): number => d.labels.filter((x) => x === l).length;
  assert.equal(per('spam') + per('ham'), d.texts.length);
  assert.ok(per('spam') >= 38 && per('ham') >= 58, `${per('spam')} spam, ${per('ham')} ham`);
  // The first easy-ham message: "Re: New Sequences Window" from the exmh list.
  const first = d.texts[0]!;
  assert.match(first, /^Re: New Sequences Window\n\n/);
  assert.match(first, /I can't reproduce this error\./);
  const headerLike = /^(Received|Return-Path|Delivered-To|X-Spam-Status|Content-Transfer-Encoding):/im;
  const withHeaders = d.texts.filter((t) => headerLike.test(t));
  assert.ok(withHeaders.length <= 1, `${withHeaders.length} texts still contain header lines`);
  assert.ok(
    d.texts.every((t) => !t.startsWith('From ')),
    'an mbox From_ line survived',
  );
});
