/**
 * Cross-check against real PyTorch, both directions, when a Python with torch is available (Debian:
 * `apt-get install python3-torch`; or set BROWSER_BERT_PYTHON). Skips otherwise — the fixtures in ../shared
 * (torch.save files from upstream projects) are the always-on conformance tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WeightsError } from '../../src/errors';
import { makeBertTensors } from '../../test-support/fixtures';
import { tensorSha256 } from '../../src/weights/hash';
import { readTorch } from '../../src/weights/torch';
import { writeTorchLegacy, writeTorchZip } from '../../src/weights/torch-writer';

function findTorchPython(): string | undefined {
  for (const py of [process.env.BROWSER_BERT_PYTHON, 'python3', '/usr/bin/python3']) {
    if (!py) continue;
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    if (r.status === 0) return py;
  }
  return undefined;
}
const python = findTorchPython();
const skip = python
  ? false
  : 'needs a python3 with torch (apt-get install python3-torch, or BROWSER_BERT_PYTHON); not found';

const HELPERS = `
import torch, json, hashlib, sys
DT = {torch.float32:'F32', torch.float16:'F16', torch.bfloat16:'BF16', torch.float64:'F64', torch.int64:'I64',
      torch.int32:'I32', torch.int16:'I16', torch.int8:'I8', torch.uint8:'U8', torch.bool:'BOOL'}
def raw(t):
    t = t.detach().contiguous()
    if t.dtype in (torch.bfloat16, torch.float16): t = t.view(torch.int16)
    return t.numpy().tobytes()
def flat(v, prefix, out):
    if isinstance(v, torch.Tensor):
        out.append([prefix or 'tensor', DT.get(v.dtype, str(v.dtype)), list(v.shape), hashlib.sha256(raw(v)).hexdigest()])
    elif isinstance(v, dict):
        for k, x in v.items(): flat(x, f'{prefix}.{k}' if prefix else str(k), out)
    elif isinstance(v, (list, tuple)):
        for i, x in enumerate(v): flat(x, f'{prefix}.{i}' if prefix else str(i), out)
    return out
`;

function py(script: string, cwd: string): string {
  const r = spawnSync(python!, ['-c', HELPERS + script], { cwd, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

async function listing(bytes: Uint8Array): Promise<unknown[]> {
  const out = [];
  for (const t of readTorch(bytes).tensors.values()) out.push([t.name, t.dtype, t.shape, await tensorSha256(t)]);
  return out;
}

test(
  'files written by real torch.save (zip and legacy): views, strides, expand, Parameter, nested, _metadata',
  { skip },
  async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bb-torch-'));
    try {
      const expected = JSON.parse(
        py(
          `
torch.manual_seed(0)
base = torch.arange(40, dtype=torch.float32)
grid = base.view(5, 8)
sd = {
  'slice': base[3:9], 'cols': grid[:, 2:5], 'transposed': grid.t(), 'every_other': base[1::2],
  'expanded': torch.randn(3).expand(4, 3), 'param': torch.nn.Parameter(torch.randn(2, 3)),
  'half': torch.randn(5).half(), 'bf16': torch.randn(5).bfloat16(), 'f64': torch.randn(2, 2, dtype=torch.float64),
  'i8': torch.tensor([-128, 5, 127], dtype=torch.int8), 'u8': torch.tensor([0, 200], dtype=torch.uint8),
  'i16': torch.tensor([-3000, 7], dtype=torch.int16), 'i32': torch.tensor([2**31 - 1]), 'i64': torch.tensor([2**40, -1]),
  'bool': torch.tensor([True, False]), 'scalar': torch.tensor(5.0), 'empty': torch.zeros(0, 3),
  'nested': {'inner': {'w': torch.randn(2)}, 'n': 3, 's': 'text'}, 'lst': [torch.randn(1), 7, torch.ones(2, dtype=torch.int32)],
  'permuted': torch.randn(2, 3, 4).permute(2, 0, 1),
}
model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.LayerNorm(4))
torch.save(sd, 'views_zip.pt')
torch.save(sd, 'views_legacy.pt', _use_new_zipfile_serialization=False)
torch.save(sd, 'views_p4.pt', pickle_protocol=4)
torch.save(sd, 'views_legacy_p5.pt', pickle_protocol=5, _use_new_zipfile_serialization=False)
torch.save(model.state_dict(), 'module_zip.pt')
torch.save(model.state_dict(), 'module_legacy.pt', _use_new_zipfile_serialization=False)
torch.save({'ok': torch.ones(1), 'c': torch.zeros(2, dtype=torch.complex64)}, 'complex.pt')
print(json.dumps({'views': flat(sd, '', []), 'module': flat(model.state_dict(), '', [])}))
`,
          dir,
        ),
      );
      for (const f of ['views_zip.pt', 'views_legacy.pt', 'views_p4.pt', 'views_legacy_p5.pt']) {
        const got = await listing(await readFile(path.join(dir, f)));
        assert.deepEqual(got, expected.views, f);
      }
      for (const f of ['module_zip.pt', 'module_legacy.pt']) {
        assert.deepEqual(await listing(await readFile(path.join(dir, f))), expected.module, f);
      }
      const complex = await readFile(path.join(dir, 'complex.pt'));
      assert.throws(
        () => readTorch(complex),
        (e: unknown) => e instanceof WeightsError && /"c" uses torch\.ComplexFloatStorage/.test(e.message),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);

test(
  'real torch.load (weights_only=True) reads what writeTorchZip / writeTorchLegacy write, bit for bit',
  { skip },
  async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bb-torch-'));
    try {
      const shape = { hidden: 8, layers: 1, heads: 2, intermediate: 16, vocab: 30 };
      const tensors = makeBertTensors({ shape, seed: 5, prefix: true });
      const half = makeBertTensors({ shape, seed: 6, dtype: 'float16' });
      await writeFile(path.join(dir, 'zip.bin'), writeTorchZip(tensors));
      await writeFile(path.join(dir, 'legacy.bin'), writeTorchLegacy(tensors, { shareStorage: true }));
      await writeFile(path.join(dir, 'half.bin'), writeTorchZip(half, { shareStorage: true }));
      const got = JSON.parse(
        py(
          `print(json.dumps({f: flat(torch.load(f, weights_only=True), '', []) for f in ['zip.bin', 'legacy.bin', 'half.bin']}))`,
          dir,
        ),
      );
      const want = async (m: typeof tensors) =>
        Promise.all([...m.values()].map(async (t) => [t.name, t.dtype, t.shape, await tensorSha256(t)]));
      assert.deepEqual(got['zip.bin'], await want(tensors));
      assert.deepEqual(got['legacy.bin'], await want(tensors));
      assert.deepEqual(got['half.bin'], await want(half));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
