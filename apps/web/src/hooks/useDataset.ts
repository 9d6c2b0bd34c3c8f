import { useCallback, useState } from 'react';
import { client } from '../lib/client-instance';
import { toUiError, type UiError } from '../components/ErrorBox';
import type { DatasetOptionsMsg, DatasetSourceMsg, DatasetSummary } from '../worker/protocol';

export interface DatasetState {
  /** Kept on the page so the dataset survives a worker restart and failed loads. */
  readonly source: DatasetSourceMsg | undefined;
  readonly options: DatasetOptionsMsg;
  readonly summary: DatasetSummary | undefined;
  readonly loading: boolean;
  readonly error: UiError | undefined;
}

export function useDataset() {
  const [state, setState] = useState<DatasetState>({
    source: undefined,
    options: {},
    summary: undefined,
    loading: false,
    error: undefined,
  });

  /** Parses in the worker; on failure the previous dataset stays active (there and here). */
  const load = useCallback(async (source: DatasetSourceMsg, options: DatasetOptionsMsg = {}) => {
    setState((s) => ({ ...s, loading: true, error: undefined }));
    try {
      const summary = await client.run('dataset', { source, options });
      setState({ source, options, summary, loading: false, error: undefined });
      return summary;
    } catch (e) {
      setState((s) => ({ ...s, loading: false, error: toUiError('This dataset cannot be used', e) }));
      return undefined;
    }
  }, []);

  const dismiss = useCallback(() => setState((s) => ({ ...s, error: undefined })), []);
  /** The worker changed the loaded dataset (e.g. an example added from Try). */
  const adopt = useCallback((summary: DatasetSummary) => setState((s) => ({ ...s, summary })), []);
  return { state, load, dismiss, adopt };
}
