/** Node side: writes the random-init benchmark checkpoints once (cached) and their ONNX exports. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot, sharedRoot } from './data';

export type ModelShape = 'bert-tiny' | 'minilm';

export interface ModelFiles {
  readonly shape: ModelShape;
  readonly dir: string;
  readonly onnxPath: string | undefined;
  readonly configJson: unknown;
  readonly vocabTxt: string;
  readonly tokenizerConfig: unknown;
  readonly safetensors: Uint8Array;
}

export const cacheDir = path.join(repoRoot, '.cache/bench');

/** Random-init checkpoint in HF layout (the project's fixture generator), seed fixed, + ONNX via bert-to-onnx. */
export async function ensureModel(shape: ModelShape, log: (m: string) => void): Promise<ModelFiles> {
  const dir = path.join(cacheDir, `${shape}-f32`);
  const onnxDir = path.join(cacheDir, `${shape}-onnx`);
  if (!existsSync(path.join(dir, 'model.safetensors'))) {
    log(`writing random-init ${shape} checkpoint to ${dir}`);
    const { makeBertCheckpoint } = await import('../../packages/core/test-support/fixtures');
    await makeBertCheckpoint(dir, { shape, dtype: 'float32', formats: ['safetensors'], seed: 20261125 });
  }
  const tool = path.join(sharedRoot, 'tools/bert-to-onnx/bert-to-onnx.mjs');
  let onnxPath: string | undefined = path.join(onnxDir, 'onnx/model.onnx');
  if (!existsSync(onnxPath)) {
    if (existsSync(tool)) {
      log(`exporting ${shape} to ONNX with ../shared/tools/bert-to-onnx`);
      execFileSync(process.execPath, [tool, '--model', dir, '--out', onnxDir], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    } else {
      log(`no ${tool}: ONNX Runtime rows will be n/a`);
      onnxPath = undefined;
    }
  }
  const read = (f: string) => readFile(path.join(dir, f), 'utf8');
  return {
    shape,
    dir,
    onnxPath,
    configJson: JSON.parse(await read('config.json')),
    vocabTxt: await read('vocab.txt'),
    tokenizerConfig: JSON.parse(await read('tokenizer_config.json')),
    safetensors: new Uint8Array(await readFile(path.join(dir, 'model.safetensors'))),
  };
}
