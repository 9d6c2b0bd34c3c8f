import { useCallback, useState } from 'react';
import { client } from '../lib/client-instance';
import { toUiError, type UiError } from '../components/ErrorBox';
import type { CachedModelMsg, FileProgressMsg, ModelSourceMsg, ModelSummary } from '../worker/protocol';

export interface ModelState {
  readonly summary: ModelSummary | undefined;
  readonly loading: boolean;
  readonly files: readonly FileProgressMsg[];
  readonly error: UiError | undefined;
  readonly cache: readonly CachedModelMsg[];
}

/** Model loading, download progress and the model cache (all work done in the worker). */
export function useModel(endpoint: string) {
  const [state, setState] = useState<ModelState>({
    summary: undefined,
    loading: false,
    files: [],
    error: undefined,
    cache: [],
  });

  const refreshCache = useCallback(async () => {
    try {
      const cache = await client.run('listCache', { endpoint });
      setState((s) => ({ ...s, cache }));
    } catch {
      /* the cache list is informative only */
    }
  }, [endpoint]);

  const load = useCallback(
    async (source: ModelSourceMsg) => {
      // The previous model stays loaded (in the worker and on screen) until the new one is ready.
      setState((s) => ({ ...s, loading: true, files: [], error: undefined }));
      const call = client.call('load', { source }, (p) =>
        setState((s) => {
          const files = s.files.filter((f) => f.file !== p.file);
          const at = s.files.findIndex((f) => f.file === p.file);
          files.splice(at < 0 ? files.length : at, 0, p);
          return { ...s, files };
        }),
      );
      try {
        const summary = await call.promise;
        setState((s) => ({ ...s, summary, loading: false }));
        void refreshCache();
        return summary;
      } catch (e) {
        setState((s) => ({ ...s, loading: false, error: toUiError('The model could not be loaded', e) }));
        return undefined;
      }
    },
    [refreshCache],
  );

  const removeCached = useCallback(
    async (id: string, revision: string) => {
      try {
        const cache = await client.run('removeCache', { endpoint, id, revision });
        setState((s) => ({ ...s, cache }));
      } catch (e) {
        setState((s) => ({ ...s, error: toUiError('The cached model could not be removed', e) }));
      }
    },
    [endpoint],
  );

  const dismiss = useCallback(() => setState((s) => ({ ...s, error: undefined })), []);
  /** A model the worker loaded another way (e.g. the encoder of a loaded classifier) is now the current one. */
  const adopt = useCallback((summary: ModelSummary) => setState((s) => ({ ...s, summary, error: undefined })), []);

  return { state, load, refreshCache, removeCached, dismiss, adopt };
}
