/** One entry point for a single weights file: detects the format by its first bytes, not by its name. */
import { readSafetensors } from './safetensors.ts';
import { notWeightsError, sniffFormat } from './sniff.ts';
import { readTorch } from './torch.ts';
import type { ReadWeightsResult } from './types.ts';

/**
 * Reads model.safetensors or a torch.save file (zip / legacy) from its bytes. `fileName` is used in messages.
 * (TF.js bundles are several files: use readTfjsWeights.)
 */
export function readWeights(bytes: Uint8Array, fileName: string): ReadWeightsResult {
  const format = sniffFormat(bytes);
  if (format === 'safetensors') return readSafetensors(bytes);
  if (format === 'torch-zip' || format === 'torch-legacy') return readTorch(bytes, fileName);
  if (/\.safetensors$/i.test(fileName) && bytes.byteLength >= 8) return readSafetensors(bytes); // precise header error
  throw notWeightsError(bytes, fileName, 'a weights file (safetensors, PyTorch zip or legacy pickle)');
}
