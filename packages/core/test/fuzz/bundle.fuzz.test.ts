/**
 * Fuzz: classifier bundles end to end — zip archives (bundleFromZip), manifest.json (checkBundle), head/model.json +
 * head/weights.bin (checked before TF.js), tokenizer files — through loadClassifier, which must give a classifier
 * that classifies, or a typed error; and leave no TF.js tensor behind either way. Seed: a real bundle written by
 * classifier.save / toBundle (support/tiny-classifier.ts, ~1 s to make). Zip entry names are mutated too: every
 * name a loaded bundle holds is a plain relative path.
 * Stated bound: zips may claim at most 32 × their size + 16 MiB uncompressed (storage/zip.ts); 64 × + 16 MiB here.
 */
import './support/alloc-meter';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { unzipSync, zipSync } from 'fflate';
import fc from 'fast-check';
import { loadClassifier } from '../../src/load/classifier';
import { StorageError } from '../../src/errors';
import { initNodeBackend } from '../../src/node';
import type { ClassifierBundle } from '../../src/bundle/types';
import { bundleFromZip, bundleToZip } from '../../src/bundle/zip';
import { unsafeNameReason } from '../../src/util/safe-name';
import { makeTinyClassifier, type TinyClassifier } from '../../test-support/tiny-classifier';
import { metered, meteredAsync } from './support/alloc-meter';
import { allocBound, fuzzAsync, fuzzSync, stopWatchdog, REPLAY } from './support/harness';
import { applyByteOps, applyJsonOps, byteOps, concat, hostileName, jsonOps, jsonText } from './support/mutate';

let tmp = '';
let tiny: TinyClassifier;
/** The seed bundle, the same bytes on every run (see reproducible()). */
let seed: ClassifierBundle;
let zip: Uint8Array;
const enc = new TextEncoder();

/**
 * The freshly trained bundle without what differs from run to run — its time, its temporary folder, the stages'
 * timings — so a seed and path replay the same input on any run (a CI failure once could not be replayed locally).
 */
function reproducible(b: ClassifierBundle): ClassifierBundle {
  const encoder = { ...b.manifest.encoder, source: 'fuzz/tiny-model' };
  const report = JSON.parse(new TextDecoder().decode(b.files['report.json'])) as Record<string, unknown>;
  const timing = Object.fromEntries(Object.keys(report.timing_ms as object).map((k) => [k, 0]));
  const fixedReport = {
    ...report,
    encoder: { ...(report.encoder as object), source: encoder.source },
    timing_ms: timing,
  };
  return {
    manifest: { ...b.manifest, created_at: '2026-01-02T03:04:05.000Z', encoder },
    files: { ...b.files, 'report.json': enc.encode(JSON.stringify(fixedReport)) },
  };
}

before(async () => {
  await initNodeBackend('cpu');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-fuzz-bundle-'));
  tiny = await makeTinyClassifier(tmp);
  seed = reproducible(tiny.bundle);
  zip = bundleToZip(seed);
});
after(async () => {
  await stopWatchdog();
  tiny?.model.dispose();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const parse = (b: Uint8Array | undefined): unknown => {
  const text = new TextDecoder().decode(b);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // already damaged by an earlier edit
  }
};
type Edit = (b: ClassifierBundle) => ClassifierBundle;

/** Structure-aware edits of the bundle's files. */
const edit: fc.Arbitrary<Edit> = fc.oneof(
  jsonOps(3).map((ops): Edit => (b) => ({
    manifest: applyJsonOps(b.manifest, ops) as ClassifierBundle['manifest'],
    files: b.files,
  })),
  fc
    .tuple(fc.constantFrom('head/model.json', 'tokenizer/tokenizer_config.json'), jsonOps(3))
    .map(([name, ops]): Edit => (b) => ({
      manifest: b.manifest,
      files: { ...b.files, [name]: enc.encode(jsonText(applyJsonOps(parse(b.files[name]), ops))) },
    })),
  fc
    .tuple(
      fc.constantFrom('head/weights.bin', 'head/model.json', 'tokenizer/vocab.txt', 'tokenizer/tokenizer_config.json'),
      byteOps(3),
    )
    .map(([name, ops]): Edit => (b) => ({
      manifest: b.manifest,
      files: { ...b.files, [name]: applyByteOps(b.files[name]!, ops) },
    })),
);

/** A zip of the (edited) bundle, then maybe damaged at byte level or with an entry renamed. */
const zipInput: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.array(edit, { maxLength: 2 }),
    fc.option(byteOps(3), { nil: undefined, freq: 2 }),
    fc.option(fc.tuple(fc.nat(), hostileName), { nil: undefined, freq: 2 }),
  )
  .map(([edits, bytesOps, rename]) => {
    let b = seed;
    for (const e of edits) {
      try {
        b = e(b);
      } catch {
        /* an edit the earlier one made impossible (a value nested 5,000 deep cannot be cloned): skip it */
      }
    }
    let z: Uint8Array;
    try {
      z = bundleToZip(b);
    } catch {
      z = zip;
    }
    if (rename) {
      const files = unzipSync(z);
      const names = Object.keys(files);
      const from = names[rename[0] % names.length]!;
      const data = files[from]!;
      delete files[from];
      files[rename[1] || 'x'] = data;
      try {
        z = zipSync(files, { level: 0 });
      } catch {
        /* a name fflate cannot write */
      }
    }
    return bytesOps ? applyByteOps(z, bytesOps) : z;
  });

/** Loads the zip as a classifier and classifies one text; no tensor may be left behind either way. */
async function loadAndClassify(z: Uint8Array) {
  const before = tf.memory().numTensors;
  try {
    const clf = await loadClassifier(z, { model: tiny.model });
    try {
      const [p] = await clf.classify(['win money now']);
      return { label: p!.label, labels: clf.manifest.labels };
    } finally {
      clf.dispose();
    }
  } finally {
    const after = tf.memory().numTensors; // (other code may release tensors meanwhile: only growth is a leak)
    assert.ok(after <= before, `${after - before} tensors leaked`);
  }
}

test('fuzz zip bundles → loadClassifier: a working classifier or a typed error, and no leaked tensors', async (t) => {
  // The intact bundle's load + classify (the encoder's tensors, the tokenizer's tables) is a fixed cost on top of
  // the readers' bound: a bundle that inflates to 10 MB and still classifies needs both.
  const intact = await meteredAsync(() => loadAndClassify(zip));
  assert.equal(intact.error, undefined);
  const stats = await fuzzAsync({
    name: 'bundle zip',
    input: zipInput,
    read: loadAndClassify,
    bound: (n) => allocBound(n) + intact.bytes,
    check: (r, z) => {
      assert.ok(r.labels.includes(r.label));
      // (outside the allocation meter: unzipping again here is the test's cost, not the loader's)
      for (const n of Object.keys(bundleFromZip(z).files)) assert.equal(unsafeNameReason(n), undefined, n);
    },
    size: (z) => z.byteLength,
    runs: 15,
    // each run loads a classifier and classifies a text: seconds on a loaded 2-core machine, not a hang
    slowMs: 20_000,
  });
  t.diagnostic(
    `bundles: ${stats.runs} inputs, ${stats.accepted} loaded and classified, ${stats.refused} refused with a typed error; the intact bundle's load + classify allocates ${intact.bytes} bytes`,
  );
  assert.ok(REPLAY || (stats.refused > 0 && stats.accepted > 0), 'the inputs exercise both outcomes');
});

test('fuzz bundleFromZip on raw damage: central directory, entry counts and sizes', (t) => {
  const stats = fuzzSync({
    name: 'zip',
    input: fc.tuple(byteOps(6), fc.boolean()).map(([ops, tail]) => {
      // damage the central directory (the last ~150 bytes per entry) more often than the data
      if (!tail) return applyByteOps(zip, ops);
      const cut = Math.max(0, zip.byteLength - 600);
      return concat(zip.subarray(0, cut), applyByteOps(zip.subarray(cut), ops));
    }),
    read: (z: Uint8Array) => bundleFromZip(z),
    check: (b) => {
      for (const n of Object.keys(b.files)) assert.equal(unsafeNameReason(n), undefined, n);
    },
    size: (z) => z.byteLength,
    bound: (n) => 32 * n + 16 * 1024 * 1024 + 1024 * 1024,
    runs: 300,
  });
  t.diagnostic(`zip: ${stats.runs} inputs, ${stats.accepted} read, ${stats.refused} refused with a typed error`);
});

test('a zip whose entries claim 4 GiB (or 2^60 bytes with zip64) is refused before anything is inflated', () => {
  const claims: Uint8Array[] = [];
  for (const size of [2 ** 32 - 1, 2 ** 31]) {
    const z = zipSync({ 'manifest.json': [enc.encode('{"a":1}'), { level: 6 }] });
    // central directory header: uncompressed size at offset 24 from its signature PK\x01\x02
    const dv = new DataView(z.buffer, z.byteOffset, z.byteLength);
    for (let i = z.byteLength - 22; i >= 0; i--)
      if (dv.getUint32(i, true) === 0x02014b50) {
        dv.setUint32(i + 24, size, true);
        break;
      }
    claims.push(z);
  }
  const heap0 = process.memoryUsage().heapUsed;
  for (const z of claims) {
    const t0 = performance.now();
    const out = metered(() => bundleFromZip(z));
    assert.ok(out.error instanceof StorageError && /zip bomb/.test(out.error.message), String(out.error));
    assert.ok(out.bytes < 1024 * 1024, `allocated ${out.bytes}`);
    assert.ok(performance.now() - t0 < 200);
  }
  assert.ok(process.memoryUsage().heapUsed - heap0 < 16 * 1024 * 1024);
});

test('the seed zip is the same bytes on every run (replayable): zips of one bundle made apart in time are equal', async () => {
  await new Promise((r) => setTimeout(r, 2100)); // zip entry times have 2 s resolution
  assert.deepEqual(bundleToZip(seed), zip);
  assert.equal(bundleFromZip(zip).manifest.created_at, '2026-01-02T03:04:05.000Z');
});
