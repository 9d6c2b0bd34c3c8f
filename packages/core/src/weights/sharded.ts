/** Sharded checkpoints: model.safetensors.index.json → which file holds which tensor; merging the shards' maps. */
import { WeightsError } from '../errors.ts';
import type { TensorMap } from './types.ts';
import { checkRelativeName } from '../util/safe-name.ts';

export interface SafetensorsIndex {
  /** tensor name → shard file name */
  readonly weightMap: Map<string, string>;
  /** Distinct shard file names, in first-use order. */
  readonly files: string[];
}

/** Parses model.safetensors.index.json ({"metadata": …, "weight_map": {tensor: file}}). */
export function readSafetensorsIndex(json: unknown): SafetensorsIndex {
  const hint = 'expected model.safetensors.index.json as written by transformers: {"weight_map": {"tensor": "file"}}';
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new WeightsError('Invalid safetensors index: not a JSON object', hint);
  }
  const wm = (json as { weight_map?: unknown }).weight_map;
  if (typeof wm !== 'object' || wm === null || Array.isArray(wm)) {
    throw new WeightsError('Invalid safetensors index: no "weight_map" object', hint);
  }
  const weightMap = new Map<string, string>();
  for (const [name, raw] of Object.entries(wm)) {
    const file = checkRelativeName(raw, `the sharded checkpoint index (tensor "${name}" maps to it)`);
    weightMap.set(name, file);
  }
  const files = [...new Set(weightMap.values())];
  if (weightMap.size === 0) throw new WeightsError('Invalid safetensors index: "weight_map" is empty', hint);
  return { weightMap, files };
}

/**
 * Merges the TensorMaps of several shards into one. A tensor present in two shards is an error; with `index`,
 * every tensor must sit in the shard the index names (`shardNames[i]` is the file name of `maps[i]`).
 */
export function mergeTensorMaps(
  maps: readonly TensorMap[],
  options: { index?: SafetensorsIndex; shardNames?: readonly string[] } = {},
): TensorMap {
  const out: TensorMap = new Map();
  const from = new Map<string, number>();
  maps.forEach((m, i) => {
    for (const [name, t] of m) {
      const prev = from.get(name);
      const label = (k: number) => (options.shardNames?.[k] ? `"${options.shardNames[k]}"` : `shard ${k + 1}`);
      if (prev !== undefined) {
        throw new WeightsError(
          `Tensor "${name}" is present in two shards (${label(prev)} and ${label(i)})`,
          'the shards come from different checkpoints; download all files of one revision again',
        );
      }
      const expectedFile = options.index?.weightMap.get(name);
      const file = options.shardNames?.[i];
      if (options.index && file !== undefined && expectedFile !== undefined && expectedFile !== file) {
        throw new WeightsError(`Tensor "${name}" is in "${file}" but the index puts it in "${expectedFile}"`);
      }
      from.set(name, i);
      out.set(name, t);
    }
  });
  if (options.index) {
    for (const [name, file] of options.index.weightMap) {
      if (!out.has(name)) {
        throw new WeightsError(
          `Tensor "${name}" is listed in the index (file "${file}") but no shard holds it`,
          'a shard is missing or truncated; download it again',
        );
      }
    }
  }
  return out;
}
