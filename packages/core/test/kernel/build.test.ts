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
import * as inference from '../../src/kernel/bert-wasm';
import * as training from '../../src/kernel/train-wasm';
import { KERNEL_WORKER_SOURCE, KERNEL_WORKER_SOURCE_SHA256 } from '../../src/kernel/worker-bundle';

function hasClang(): boolean {
  try {
    execFileSync(CLANG, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const committed = {
  inference: {
    sha: inference.BERT_KERNEL_SOURCE_SHA256,
    simd: inference.BERT_KERNEL_WASM_BASE64,
    relaxed: inference.BERT_KERNEL_RELAXED_WASM_BASE64,
  },
  training: {
    sha: training.BERT_TRAIN_SOURCE_SHA256,
    simd: training.BERT_TRAIN_WASM_BASE64,
    relaxed: training.BERT_TRAIN_RELAXED_WASM_BASE64,
  },
} as const;

for (const program of ['inference', 'training'] as const) {
  test(`the ${program} kernel module was generated from the current C sources (npm run build:kernel after editing them)`, () => {
    assert.equal(committed[program].sha, sourceSha256(program));
  });

  test(
    `the C sources compile to exactly the committed ${program} kernels (plain and relaxed SIMD)`,
    { skip: hasClang() ? false : `${CLANG} not installed (apt-get install clang-16 lld-16); .ci/run installs it` },
    () => {
      const simd = compileKernel('simd', program);
      const relaxed = compileKernel('relaxed', program);
      assert.equal(simd.toString('base64'), committed[program].simd);
      assert.equal(relaxed.toString('base64'), committed[program].relaxed);
      assert.notEqual(committed[program].simd, committed[program].relaxed);
      assert.ok(renderModule(simd, relaxed, program).includes(committed[program].relaxed));
    },
  );
}

test('the inference module is the small one (a runtime that only classifies ships it alone)', () => {
  assert.ok(committed.inference.simd.length * 2 < committed.training.simd.length);
});

test('worker-bundle.ts is a fresh bundle of worker.ts and its imports (run npm run build:kernel after editing them)', () => {
  const bundle = bundleWorker();
  assert.equal(KERNEL_WORKER_SOURCE_SHA256, workerSourceSha256(bundle.inputs));
  assert.equal(KERNEL_WORKER_SOURCE, bundle.code);
  assert.ok(renderWorkerModule(bundle).includes(KERNEL_WORKER_SOURCE_SHA256));
  assert.doesNotMatch(KERNEL_WORKER_SOURCE, /^\s*(import|export)\b/m, 'a classic script: no module syntax');
});
