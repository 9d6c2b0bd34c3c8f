/**
 * sentence-transformers repos (e.g. all-MiniLM-L6-v2) describe their pipeline in modules.json: a Pooling module
 * (1_Pooling/config.json: pooling_mode_cls_token / pooling_mode_mean_tokens …) and often a Normalize module.
 */
import type { ModelInfo } from './types.ts';
import { checkRelativeName } from '../util/safe-name.ts';

interface StModule {
  readonly type: string;
  readonly path: string;
}

function modules(modulesJson: unknown): StModule[] {
  if (!Array.isArray(modulesJson)) return [];
  return modulesJson.flatMap((m: unknown) => {
    if (typeof m !== 'object' || m === null) return [];
    const { type, path } = m as { type?: unknown; path?: unknown };
    return typeof type === 'string' ? [{ type, path: typeof path === 'string' ? path : '' }] : [];
  });
}

/** Folder of the Pooling module's config.json ("1_Pooling/config.json"), when modules.json names one. */
export function poolingConfigFile(modulesJson: unknown): string | undefined {
  const pooling = modules(modulesJson).find((m) => m.type.endsWith('.Pooling') || m.type === 'Pooling');
  if (!pooling) return undefined;
  const folder = (pooling.path || '1_Pooling').replace(/\/+$/, '');
  return checkRelativeName(`${folder}/config.json`, "modules.json (the Pooling module's path)");
}

export interface SentenceTransformersSettings {
  readonly defaultPooling: ModelInfo['defaultPooling'];
  readonly normalize: boolean;
  /** A pooling mode we do not implement (max, mean_sqrt_len …): reported, mean is used instead. */
  readonly unsupportedPooling: string | undefined;
}

/** Defaults when the repo is not a sentence-transformers one: mean pooling, no normalisation. */
export function sentenceTransformersSettings(
  modulesJson: unknown,
  poolingConfig: unknown,
): SentenceTransformersSettings {
  const normalize = modules(modulesJson).some((m) => m.type.endsWith('.Normalize') || m.type === 'Normalize');
  const cfg = (typeof poolingConfig === 'object' && poolingConfig !== null ? poolingConfig : {}) as Record<
    string,
    unknown
  >;
  if (cfg.pooling_mode_cls_token === true) return { defaultPooling: 'cls', normalize, unsupportedPooling: undefined };
  if (cfg.pooling_mode_mean_tokens === true)
    return { defaultPooling: 'mean', normalize, unsupportedPooling: undefined };
  const other = Object.keys(cfg).find((k) => k.startsWith('pooling_mode_') && cfg[k] === true);
  return { defaultPooling: 'mean', normalize, unsupportedPooling: other?.slice('pooling_mode_'.length) };
}
