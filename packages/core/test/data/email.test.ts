import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emailToText, parseEmail } from '../../src/data/email';
import { spamAssassinDataset, spamAssassinLabel } from '../../src/data/spam-assassin';

const PLAIN = [
  'From someone@example.com  Thu Aug 22 13:17:22 2002',
  'Return-Path: <someone@example.com>',
  'Received: from mail.example.com (mail [10.0.0.1])',
  '\tby mx.example.org with ESMTP id 123',
  'Subject: =?utf-8?Q?Caf=C3=A9_meeting?=',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'See you at the caf=C3=A9 at 10.=',
  '',
  'Bye',
].join('\r\n');

const HTML_ONLY = [
  'Subject: WIN BIG',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="XX"',
  '',
  '--XX',
  'Content-Type: text/html; charset=us-ascii',
  '',
  '<html><head><style>p{color:red}</style></head><body><p>Claim your <b>prize</b> &amp; more</p><img src="x.gif"><a href="http://spam.example">click</a></body></html>',
  '--XX',
  'Content-Type: application/octet-stream; name="a.bin"',
  'Content-Transfer-Encoding: base64',
  '',
  'AAECAwQ=',
  '--XX--',
].join('\n');

test('parseEmail: decoded subject and quoted-printable text body, headers dropped', async () => {
  const e = await parseEmail(PLAIN);
  assert.equal(e.subject, 'Café meeting');
  // "10.=" is a soft line break: it swallows its CRLF, so the empty line that follows becomes the only break.
  assert.equal(e.text, 'See you at the café at 10.\nBye');
  assert.equal(emailToText(e), 'Café meeting\n\nSee you at the café at 10.\nBye');
  assert.doesNotMatch(emailToText(e), /Received|Return-Path/);
});

test('parseEmail: HTML-only body converted to text, attachment ignored, bytes accepted', async () => {
  const e = await parseEmail(new TextEncoder().encode(HTML_ONLY));
  assert.equal(e.subject, 'WIN BIG');
  assert.match(e.text, /Claim your prize & more/);
  assert.match(e.text, /click/);
  assert.doesNotMatch(e.text, /<|color:red|http:\/\/spam|AAECAwQ/);
});

test('SpamAssassin groups map to spam/ham', async () => {
  assert.equal(spamAssassinLabel('spam-1'), 'spam');
  assert.equal(spamAssassinLabel('spam_2'), 'spam');
  assert.equal(spamAssassinLabel('easy-ham-2'), 'ham');
  assert.equal(spamAssassinLabel('hard_ham'), 'ham');
  assert.throws(() => spamAssassinLabel('other'), /Unknown SpamAssassin group/);
  const d = await spamAssassinDataset([
    { group: 'spam-2', text: HTML_ONLY },
    { group: 'easy-ham-1', text: PLAIN },
    { group: 'hard-ham-1', text: 'Content-Type: text/plain\n\n' },
  ]);
  assert.deepEqual(d.labels, ['spam', 'ham']);
  assert.deepEqual(d.groups, ['spam-2', 'easy-ham-1']);
  assert.equal(d.rowsSkipped, 1);
  assert.equal(d.format, 'email');
});
