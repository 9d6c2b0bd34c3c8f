import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  bundleWorker,
  CLANG,
  compileKernel,
  renderModule,
  renderWorkerModule,
  sourceSha256,
  workerSourceSha256,
} from '../../../../tools/build-kernel';
import {
  BERT_KERNEL_RELAXED_WASM_BASE64,
  BERT_KERNEL_SOURCE_SHA256,
  BERT_KERNEL_WASM_BASE64,
} from '../../src/kernel/bert-wasm';
import { KERNEL_WORKER_SOURCE, KERNEL_WORKER_SOURCE_SHA256 } from '../../src/kernel/worker-bundle';

function hasClang(): boolean {
  try {
    execFileSync(CLANG, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('bert-wasm.ts was generated from the current C sources (run npm run build:kernel after editing them)', () => {
  assert.equal(BERT_KERNEL_SOURCE_SHA256, sourceSha256());
});

test(
  'the C sources compile to exactly the committed kernels (plain and relaxed SIMD)',
  { skip: hasClang() ? false : `${CLANG} not installed (apt-get install clang-16 lld-16); .ci/run installs it` },
  () => {
    const simd = compileKernel('simd');
    const relaxed = compileKernel('relaxed');
    assert.equal(simd.toString('base64'), BERT_KERNEL_WASM_BASE64);
    assert.equal(relaxed.toString('base64'), BERT_KERNEL_RELAXED_WASM_BASE64);
    assert.notEqual(BERT_KERNEL_WASM_BASE64, BERT_KERNEL_RELAXED_WASM_BASE64);
    assert.ok(renderModule(simd, relaxed).includes(BERT_KERNEL_RELAXED_WASM_BASE64));
  },
);

test('worker-bundle.ts is a fresh bundle of worker.ts and its imports (run npm run build:kernel after editing them)', () => {
  const bundle = bundleWorker();
  assert.equal(KERNEL_WORKER_SOURCE_SHA256, workerSourceSha256(bundle.inputs));
  assert.equal(KERNEL_WORKER_SOURCE, bundle.code);
  assert.ok(renderWorkerModule(bundle).includes(KERNEL_WORKER_SOURCE_SHA256));
  assert.doesNotMatch(KERNEL_WORKER_SOURCE, /^\s*(import|export)\b/m, 'a classic script: no module syntax');
});
