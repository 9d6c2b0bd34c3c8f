/** A model folder's weights files → one TensorMap (every format but TF.js graph models), without TF.js. */
import { readWeights } from '../weights/read.ts';
import { mergeTensorMaps, readSafetensorsIndex } from '../weights/sharded.ts';
import { readTfjsWeights } from '../weights/tfjs.ts';
import type { ReadWeightsResult, TensorMap } from '../weights/types.ts';
import type { NamedBytes, WeightsFiles } from './files.ts';
import type { ModelInfo } from './types.ts';

export interface ModelWeights {
  readonly format: ModelInfo['weightsFormat'];
  readonly tensors: TensorMap;
  readonly metadata: Readonly<Record<string, string>>;
  /** The files the tensors came from (the weights hash is over them). */
  readonly files: readonly NamedBytes[];
}

export function readModelWeights(w: Exclude<WeightsFiles, { kind: 'tfjs-graph' }>): ModelWeights {
  if (w.kind === 'single') {
    const r: ReadWeightsResult = readWeights(w.file.bytes, w.file.name);
    const format = r.info.format === 'tfjs' ? 'tfjs-bundle' : r.info.format;
    return { format, tensors: r.tensors, metadata: r.info.metadata, files: [w.file] };
  }
  if (w.kind === 'safetensors-sharded' || w.kind === 'torch-sharded') {
    // Both index files have the same {"weight_map": {tensor: shard}} layout; each shard is sniffed on its own.
    const index = readSafetensorsIndex(w.index);
    const parts = w.shards.map((s) => readWeights(s.bytes, s.name));
    const tensors = mergeTensorMaps(
      parts.map((p) => p.tensors),
      { index, shardNames: w.shards.map((s) => s.name) },
    );
    const metadata = Object.assign({}, ...parts.map((p) => p.info.metadata)) as Record<string, string>;
    const first = parts[0]?.info.format;
    const format =
      w.kind === 'safetensors-sharded'
        ? 'safetensors-sharded'
        : first === 'torch-legacy'
          ? 'torch-legacy'
          : 'torch-zip';
    return { format, tensors, metadata, files: w.shards };
  }
  const r = readTfjsWeights(
    w.modelJson,
    w.shards.map((s) => s.bytes),
  );
  return { format: 'tfjs-bundle', tensors: r.tensors, metadata: r.info.metadata, files: w.shards };
}
