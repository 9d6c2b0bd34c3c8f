/** `browser-bert inspect FILE`: one JSON line per tensor {"name","dtype","shape","sha256"} of a weights file. */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  HubError,
  mergeTensorMaps,
  readSafetensorsIndex,
  readTfjsWeights,
  readWeights,
  tensorSha256,
  tfjsShardPaths,
  WeightsError,
  type TensorMap,
  UsageError,
} from '@browser-bert/core';
import { parseOptions } from '../args.ts';
import type { Command } from '../io.ts';

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (e) {
    const hint = 'give the path of model.safetensors, pytorch_model.bin / .pt / .pth, or a TF.js model.json';
    if ((e as { code?: string }).code === 'ENOENT') {
      throw new HubError('not-found', `cannot read "${file}": no such file`, hint);
    }
    throw new WeightsError(`cannot read "${file}": ${(e as Error).message}`, hint);
  }
}

function parseJson(bytes: Uint8Array, file: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new WeightsError(
      `"${file}" is not valid JSON`,
      'expected a TF.js model.json or model.safetensors.index.json',
    );
  }
}

/** In a model folder, the weights file a loader would pick. */
const FOLDER_ORDER = ['model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin', 'model.json'];

async function resolveFile(file: string): Promise<string> {
  const s = await stat(file).catch(() => undefined);
  if (!s?.isDirectory()) return file;
  for (const name of FOLDER_ORDER) {
    const p = path.join(file, name);
    if (await stat(p).catch(() => undefined)) return p;
  }
  throw new HubError('not-found', `no weights file in folder "${file}"`, `expected one of ${FOLDER_ORDER.join(', ')}`);
}

/** Reads any supported weights file (or a sharded index / TF.js model.json with its shards beside it). */
export async function readWeightsFile(file: string): Promise<TensorMap> {
  const bytes = await readBytes(file);
  const dir = path.dirname(file);
  if (file.toLowerCase().endsWith('.json')) {
    const json = parseJson(bytes, file);
    if (json && typeof json === 'object' && 'weight_map' in json) {
      const index = readSafetensorsIndex(json);
      const maps: TensorMap[] = [];
      for (const shard of index.files) maps.push(readWeights(await readBytes(path.join(dir, shard)), shard).tensors);
      return mergeTensorMaps(maps, { index, shardNames: index.files });
    }
    if (json && typeof json === 'object' && 'weightsManifest' in json) {
      const shards: Uint8Array[] = [];
      for (const p of tfjsShardPaths(json)) shards.push(await readBytes(path.join(dir, p)));
      return readTfjsWeights(json, shards).tensors;
    }
    throw new WeightsError(
      `"${file}" is JSON but neither a TF.js model.json (weightsManifest) nor a model.safetensors.index.json`,
    );
  }
  return readWeights(bytes, path.basename(file)).tensors;
}

const command: Command = {
  name: 'inspect',
  summary: 'list the tensors of a weights file: name, dtype, shape, sha256 (JSON lines)',
  usage: `Usage: browser-bert inspect FILE

FILE: model.safetensors, model.safetensors.index.json / pytorch_model.bin.index.json (sharded), pytorch_model.bin / .pt / .pth (torch.save zip
or legacy format), a TF.js model.json (shards beside it), or a model folder.

Writes one JSON object per tensor to stdout, in file order:
  {"name":"…","dtype":"F32","shape":[…],"sha256":"…"}
dtype uses safetensors names (F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL …). sha256 is over the values as
contiguous little-endian bytes in the tensor's own dtype (strides and offsets applied), so the same weights
in two formats print the same lines. Nested torch dicts are flattened with "." (model_state_dict.fc.weight).
Nothing in a pickle is ever executed: files that reference other Python objects are refused.`,
  async run(io) {
    const { positionals } = parseOptions(io.argv, {}, true);
    if (positionals.length !== 1) {
      throw new UsageError('inspect takes exactly one FILE', "see 'browser-bert inspect --help'");
    }
    const tensors = await readWeightsFile(await resolveFile(positionals[0]!));
    let out = '';
    for (const t of tensors.values()) {
      out += JSON.stringify({ name: t.name, dtype: t.dtype, shape: t.shape, sha256: await tensorSha256(t) }) + '\n';
      if (out.length > 1 << 16) {
        io.stdout.write(out);
        out = '';
      }
    }
    io.stdout.write(out);
    return 0;
  },
};

export default command;
