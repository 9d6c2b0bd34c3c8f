/**
 * Tokenizer throughput on the whole SMS corpus (prints figures; not a test).
 *   node --import tsx bench/micro/tokenizer.ts [rounds]
 * "fresh" = a new tokenizer each round (construction not timed); "reused" = the same tokenizer again (JIT warm).
 * For context the same corpus is also run through @huggingface/tokenizers (tokenizers.js), when installed.
 */
import { readFileSync } from 'node:fs';
import { sharedPath } from '../../packages/core/test-support/shared';
import { createTokenizer } from '../../packages/core/src/tokenizer/tokenizer';

const sms = sharedPath('data/sms-spam/SMSSpamCollection.tsv');
const hf = sharedPath('data/format-fixtures/hf/bert-tiny-finetuned');
if (!sms || !hf) {
  console.error('needs ../shared/data (SMS corpus and format-fixtures); not found');
  process.exit(1);
}
const texts = readFileSync(sms, 'utf8')
  .split('\n')
  .filter((l) => l.includes('\t'))
  .map((l) => l.slice(l.indexOf('\t') + 1));
const tokenizerJson = JSON.parse(readFileSync(`${hf}/tokenizer.json`, 'utf8')) as unknown;
const tokenizerConfig = JSON.parse(readFileSync(`${hf}/tokenizer_config.json`, 'utf8')) as unknown;
const rounds = Number(process.argv[2] ?? 7);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

for (let i = 0; i < 3; i++) {
  const c0 = process.cpuUsage();
  createTokenizer({ tokenizerJson, tokenizerConfig });
  const c = process.cpuUsage(c0);
  console.log(`construction from parsed tokenizer.json #${i + 1}: CPU ${((c.user + c.system) / 1000).toFixed(1)} ms`);
}

function run(label: string, encodeAll: () => number, fresh: () => void): void {
  // CPU time of this process (user + system), less sensitive than wall time to other jobs on a shared machine.
  const times: number[] = [];
  let tokens = 0;
  for (let r = 0; r < rounds; r++) {
    fresh();
    const c0 = process.cpuUsage();
    tokens = encodeAll();
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1000);
  }
  const ms = median(times);
  const best = Math.min(...times);
  console.log(
    `${label.padEnd(34)} ${texts.length} texts, ${tokens} tokens: median CPU ${ms.toFixed(1)} ms → ` +
      `${Math.round((tokens / ms) * 1000).toLocaleString('en')} tokens/s, ${Math.round((texts.length / ms) * 1000).toLocaleString('en')} texts/s (best round ${Math.round((tokens / best) * 1000).toLocaleString('en')} tokens/s)`,
  );
}

let tok = createTokenizer({ tokenizerJson, tokenizerConfig }, { maxLength: 512 });
const ours = (): number => tok.encodeBatch(texts).reduce((n, e) => n + e.inputIds.length, 0);
run('browser-bert (fresh tokenizer)', ours, () => {
  tok = createTokenizer({ tokenizerJson, tokenizerConfig }, { maxLength: 512 });
});
run('browser-bert (reused)', ours, () => {});
tok = createTokenizer({ tokenizerJson, tokenizerConfig }, { maxLength: 128 });
run('browser-bert maxLength 128 (reused)', ours, () => {});

try {
  const { Tokenizer } = await import('@huggingface/tokenizers');
  const ref = new Tokenizer(tokenizerJson as object, tokenizerConfig as object);
  run(
    '@huggingface/tokenizers 0.2 (ref)',
    () => texts.reduce((n, t) => n + ref.encode(t).ids.length, 0),
    () => {},
  );
} catch {
  console.log('@huggingface/tokenizers not installed: reference timing skipped');
}
