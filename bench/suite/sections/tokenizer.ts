/** Tokenizer throughput on the whole SMS corpus (HF-exact WordPiece, truncation at 128). */
import { interleave } from '../../lib/stats';
import { fmt, fmtMs } from '../../lib/format';
import type { SuiteContext } from '../context';

export async function tokenizerSection(ctx: SuiteContext): Promise<void> {
  const p = ctx.state.pipeline!;
  const texts = ctx.texts;
  let encodings = p.tokenizer.encodeBatch(texts);
  const [res] = await interleave(
    [{ name: 'encodeBatch', run: () => (encodings = p.tokenizer.encodeBatch(texts)) }],
    Math.max(3, ctx.opts.rounds),
  );
  ctx.state.encodings = encodings;
  const lengths = encodings.map((e) => e.inputIds.length);
  const tokens = lengths.reduce((a, b) => a + b, 0);
  const sorted = [...lengths].sort((a, b) => a - b);
  const ms = res!.ms;
  ctx.rows.push(
    { section: 'tokenizer', name: `tokenize ${fmt(texts.length)} SMS texts (encodeBatch)`, display: fmtMs(ms), ms },
    {
      section: 'tokenizer',
      name: 'tokenizer throughput',
      display: `${fmt(tokens / (ms.median / 1000) / 1000, 0)} k tokens/s · ${fmt(texts.length / (ms.median / 1000), 0)} texts/s`,
      value: tokens / (ms.median / 1000),
      unit: 'tokens/s',
    },
    {
      section: 'tokenizer',
      name: 'corpus tokens (incl. [CLS]/[SEP], max 128)',
      display: `${fmt(tokens)} · mean ${fmt(tokens / lengths.length, 1)} · p90 ${sorted[Math.floor(0.9 * sorted.length)]} · max ${sorted[sorted.length - 1]}`,
      value: tokens,
    },
  );
}
