/**
 * The fields of a bundle's manifest.json that loading and classifying rely on, checked before anything is built
 * from them (a hand-edited or damaged manifest gets one clear StorageError instead of a TypeError deep inside).
 * The file names it lists go through the path policy (util/safe-name.ts).
 */
import { isObject as isObj } from '../util/is-object.ts';
import { StorageError } from '../errors.ts';
import { checkRelativeName } from '../util/safe-name.ts';
import { FILES } from './types.ts';

/** More files than any bundle browser-bert writes (8) by far; refuses absurd lists before they are read. */
export const MAX_BUNDLE_FILES = 1000;
const POOLINGS = ['cls', 'mean', 'pooler', 'flatten'];

const posInt = (x: unknown) => Number.isSafeInteger(x) && (x as number) > 0;

/** What is wrong with the manifest's fields, or undefined. `m` already has the right format and version. */
function problem(m: Record<string, unknown>): string | undefined {
  const { labels, encoder, tokenizer, head } = m;
  if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === 'string'))
    return '"labels" is not a list of at least 2 strings';
  if (new Set(labels).size !== labels.length) return '"labels" has duplicates';
  if (m.positive_label !== null && !labels.includes(m.positive_label as string))
    return '"positive_label" is neither null nor one of the labels';
  if (m.threshold !== null && !(typeof m.threshold === 'number' && m.threshold >= 0 && m.threshold <= 1))
    return '"threshold" is neither null nor a number in [0, 1]';
  if (!POOLINGS.includes(m.pooling as string)) return `"pooling" is not one of ${POOLINGS.join(', ')}`;
  if (typeof m.normalize !== 'boolean') return '"normalize" is not true/false';
  if (!posInt(m.max_length)) return '"max_length" is not a positive integer';
  if (m.flatten_length !== null && !posInt(m.flatten_length))
    return '"flatten_length" is neither null nor a positive integer';
  if (!isObj(tokenizer) || !isObj(tokenizer.settings)) return '"tokenizer.settings" is missing';
  const mml = tokenizer.settings.modelMaxLength;
  if (mml !== undefined && !posInt(mml)) return '"tokenizer.settings.modelMaxLength" is not a positive integer';
  if (!isObj(encoder) || typeof encoder.included !== 'boolean') return '"encoder.included" is not true/false';
  if (typeof encoder.source !== 'string' || typeof encoder.weights_hash !== 'string')
    return '"encoder.source" / "encoder.weights_hash" are not strings';
  if (encoder.revision !== null && encoder.revision !== undefined && typeof encoder.revision !== 'string')
    return '"encoder.revision" is neither null nor a string';
  if (!isObj(head) || !posInt(head.input_dim)) return '"head.input_dim" is not a positive integer';
  return undefined;
}

/**
 * Checks the manifest's fields and file list (every name a plain relative path, listed once; the files loading
 * needs are listed). Returns the file names. `where` names the bundle in messages.
 */
export function checkManifestFields(m: Record<string, unknown>, where: string): string[] {
  const bad = problem(m);
  if (bad) throw new StorageError(`${where}: manifest.json ${bad}`, 'the bundle is damaged; save the classifier again');
  const files = m.files;
  if (!Array.isArray(files) || files.length > MAX_BUNDLE_FILES)
    throw new StorageError(
      `${where}: manifest.json has no usable "files" list`,
      'the bundle is damaged; save it again',
    );
  const names = files.map((f) => checkRelativeName(f, `manifest.json of ${where}`));
  if (new Set(names).size !== names.length)
    throw new StorageError(`${where}: manifest.json lists a file twice`, 'the bundle is damaged; save it again');
  const needed: string[] = [FILES.headModel, FILES.headWeights, FILES.vocab, FILES.tokenizerConfig];
  if ((m.encoder as { included: boolean }).included) needed.push(FILES.encoderConfig, FILES.encoderWeights);
  const unlisted = needed.filter((n) => !names.includes(n));
  if (unlisted.length > 0)
    throw new StorageError(
      `${where}: manifest.json does not list ${unlisted.join(', ')}`,
      'the bundle is damaged or incomplete; save the classifier again',
    );
  return names;
}
