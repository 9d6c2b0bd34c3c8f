// Shared by portable.browser.test.ts (through portable.page.ts in Chromium) and the same test in Node: the data
// and metrics stages must give identical results in both places for the same input and seed.
import { buildReport } from '../../src/metrics/report';
import { emailToText, parseEmail } from '../../src/data/email';
import { parseDataset } from '../../src/data/parse-dataset';
import { prepareData } from '../../src/data/prepare';
import { mulberry32 } from '../../src/data/random';

export async function portableChecks(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const csv =
    '\uFEFFtext,label\r\n"multi\r\nline, ""quoted""",pos\r\nplain &amp; simple,neg\r\nthird,pos\r\nfourth,neg\r\n';
  const d = parseDataset(new TextEncoder().encode(csv));
  out.csv = { texts: d.texts, labels: d.labels, columns: d.columns };
  const latin = Uint8Array.from('v1,v2\nham,caf\u00e9 \u00a35\nspam,win\nham,ok\nspam,free\n', (c) => c.charCodeAt(0));
  out.latin = parseDataset(latin).texts;
  try {
    parseDataset(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]));
    out.zip = 'accepted';
  } catch (e) {
    out.zip = (e as Error).message;
  }
  const email = await parseEmail(
    'Subject: =?utf-8?Q?Caf=C3=A9?=\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n<p>Hello <b>w=C3=B6rld</b></p><style>p{}</style>',
  );
  out.email = emailToText(email);

  // A synthetic 3-class dataset with duplicates, split and scored deterministically.
  const rand = mulberry32(9);
  const texts: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < 300; i++) {
    const c = ['alpha', 'beta', 'gamma'][i % 7 === 0 ? 2 : i % 3 === 0 ? 1 : 0]!;
    texts.push(`${c} text ${Math.floor(rand() * 250)}`);
    labels.push(c);
  }
  const p = prepareData({ texts, labels }, { seed: 1234 });
  out.split = {
    train: p.split.train,
    validation: p.split.validation,
    test: p.split.test,
    dupes: p.split.duplicatesRemoved,
  };
  const score = (i: number): number[] => {
    const r = mulberry32(i + 1)();
    const s = [r, 1 - r, 0.5 * r].map((x, k) => x + (k === p.y[i] ? 0.4 : 0));
    const sum = s.reduce((a, b) => a + b, 0);
    return s.map((x) => x / sum);
  };
  const view = (idx: number[]): { labels: number[]; scores: number[][]; texts: string[]; rows: number[] } => ({
    labels: idx.map((i) => p.y[i]!),
    scores: idx.map(score),
    texts: idx.map((i) => texts[i]!),
    rows: idx,
  });
  out.report = buildReport({
    labels: p.labelMap.labels,
    trainLabels: p.split.train.map((i) => p.y[i]!),
    validation: view(p.split.validation),
    test: view(p.split.test),
    duplicatesRemoved: p.split.duplicatesRemoved,
    seed: 1234,
    encoder: { source: 'none', revision_or_hash: '-', pooling: 'mean', fine_tune_layers: 0, random_init: true },
  });
  return out;
}
