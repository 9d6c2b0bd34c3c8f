/**
 * Writes a random-init BERT checkpoint in exact HuggingFace layout (test tooling; the weights are RANDOM and
 * marked "browser_bert_fixture": "random-init").
 *
 *   node --import tsx tools/make-fixture.ts --shape bert-tiny --out DIR [--dtype float16]
 *        [--formats safetensors,bin,bin-legacy,safetensors-sharded] [--prefix] [--head mlm|classifier]
 *        [--seed N] [--no-pooler] [--hidden H --layers L --heads A --intermediate I --vocab V]
 */
import { parseArgs } from 'node:util';
import {
  makeBertCheckpoint,
  SHAPES,
  type FixtureOptions,
  type WeightFormat,
} from '../packages/core/test-support/fixtures';

const FORMATS: readonly WeightFormat[] = ['safetensors', 'safetensors-sharded', 'bin', 'bin-legacy'];

function die(message: string): never {
  process.stderr.write(`make-fixture: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    shape: { type: 'string', default: 'bert-tiny' },
    out: { type: 'string' },
    dtype: { type: 'string', default: 'float32' },
    formats: { type: 'string', default: 'safetensors' },
    prefix: { type: 'boolean', default: false },
    head: { type: 'string', default: 'none' },
    seed: { type: 'string', default: '1234' },
    'no-pooler': { type: 'boolean', default: false },
    hidden: { type: 'string' },
    layers: { type: 'string' },
    heads: { type: 'string' },
    intermediate: { type: 'string' },
    vocab: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'node --import tsx tools/make-fixture.ts --shape bert-tiny|minilm --out DIR [--dtype float32|float16] ' +
      `[--formats ${FORMATS.join(',')}] [--prefix] [--head none|mlm|classifier] [--seed N] [--no-pooler] ` +
      '[--hidden H --layers L --heads A --intermediate I --vocab V]\n',
  );
  process.exit(0);
}
if (!values.out) die('--out DIR is required');
if (!(values.shape in SHAPES)) die(`--shape must be one of ${Object.keys(SHAPES).join('|')}`);
if (values.dtype !== 'float32' && values.dtype !== 'float16') die('--dtype must be float32 or float16');
if (!['none', 'mlm', 'classifier'].includes(values.head)) die('--head must be none, mlm or classifier');
const formats = values.formats.split(',').map((f) => f.trim());
for (const f of formats)
  if (!(FORMATS as readonly string[]).includes(f)) die(`unknown format "${f}" (${FORMATS.join(', ')})`);
if (formats.includes('bin') && formats.includes('bin-legacy')) die('bin and bin-legacy both write pytorch_model.bin');
const int = (name: string, v: string | undefined, fallback: number) => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) die(`--${name} must be a positive integer`);
  return n;
};
const base = SHAPES[values.shape as keyof typeof SHAPES];
const shape = {
  hidden: int('hidden', values.hidden, base.hidden),
  layers: int('layers', values.layers, base.layers),
  heads: int('heads', values.heads, base.heads),
  intermediate: int('intermediate', values.intermediate, base.intermediate),
  vocab: int('vocab', values.vocab, 30522),
};
const options: FixtureOptions = {
  shape,
  dtype: values.dtype,
  formats: formats as WeightFormat[],
  prefix: values.prefix,
  head: values.head as 'none' | 'mlm' | 'classifier',
  seed: int('seed', values.seed, 1234),
  withPooler: !values['no-pooler'],
};
const fx = await makeBertCheckpoint(values.out, options);
process.stderr.write(
  `make-fixture: wrote a RANDOM-INIT ${values.shape}-shaped checkpoint (hidden ${shape.hidden}, ${shape.layers} layers, ` +
    `${shape.heads} heads, ${values.dtype}) to ${fx.dir}\n`,
);
for (const f of fx.files) process.stdout.write(`${f}\n`);
