import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  bundleWorker,
  compileKernel,
  renderModule,
  renderWorkerModule,
  sourceSha256,
  workerSourceSha256,
} from '../../../../tools/build-kernel';
import { BERT_KERNEL_SOURCE_SHA256, BERT_KERNEL_WASM_BASE64 } from './bert-wasm';
import { KERNEL_WORKER_SOURCE, KERNEL_WORKER_SOURCE_SHA256 } from './worker-bundle';

function hasClang(): boolean {
  try {
    execFileSync('clang', ['--version'], { stdio: 'ignore' });
    execFileSync('wasm-ld', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('bert-wasm.ts was generated from the current bert.c (run npm run build:kernel after editing it)', () => {
  assert.equal(BERT_KERNEL_SOURCE_SHA256, sourceSha256());
});

test(
  'bert.c compiles to exactly the committed kernel',
  { skip: hasClang() ? false : 'clang + lld not installed (apt-get install clang lld); .ci/run installs them' },
  () => {
    const wasm = compileKernel();
    assert.equal(wasm.toString('base64'), BERT_KERNEL_WASM_BASE64);
    assert.ok(renderModule(wasm).includes(BERT_KERNEL_WASM_BASE64));
  },
);

test('worker-bundle.ts is a fresh bundle of worker.ts and its imports (run npm run build:kernel after editing them)', () => {
  const bundle = bundleWorker();
  assert.equal(KERNEL_WORKER_SOURCE_SHA256, workerSourceSha256(bundle.inputs));
  assert.equal(KERNEL_WORKER_SOURCE, bundle.code);
  assert.ok(renderWorkerModule(bundle).includes(KERNEL_WORKER_SOURCE_SHA256));
  assert.doesNotMatch(KERNEL_WORKER_SOURCE, /^\s*(import|export)\b/m, 'a classic script: no module syntax');
});
