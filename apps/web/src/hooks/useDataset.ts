import { useCallback, useState } from 'react';
import { client } from '../lib/client-instance';
import { toUiError, type UiError } from '../components/ErrorBox';
import type { DatasetOptionsMsg, DatasetSourceMsg, DatasetSummary } from '../worker/protocol';

/** A labelled text added to the loaded dataset (from the Try step). */
export interface AddedExample {
  readonly text: string;
  readonly label: string;
}

export interface DatasetState {
  /** Kept on the page so the dataset survives a worker restart and failed loads. */
  readonly source: DatasetSourceMsg | undefined;
  readonly options: DatasetOptionsMsg;
  /** Texts added since it was loaded: the page's copy, sent again when a restarted worker reloads the dataset. */
  readonly added: readonly AddedExample[];
  readonly summary: DatasetSummary | undefined;
  readonly loading: boolean;
  readonly error: UiError | undefined;
}

export function useDataset() {
  const [state, setState] = useState<DatasetState>({
    source: undefined,
    options: {},
    added: [],
    summary: undefined,
    loading: false,
    error: undefined,
  });

  /**
   * Parses in the worker; on failure the previous dataset stays active (there and here). `added`: examples to add
   * again (a restarted worker reloading the same dataset); a new dataset starts with none.
   */
  const load = useCallback(
    async (source: DatasetSourceMsg, options: DatasetOptionsMsg = {}, added: readonly AddedExample[] = []) => {
      setState((s) => ({ ...s, loading: true, error: undefined }));
      try {
        let summary = await client.run('dataset', { source, options });
        const kept: AddedExample[] = [];
        let error: UiError | undefined;
        for (const a of added) {
          try {
            summary = await client.run('addExample', a);
            kept.push(a);
          } catch (e) {
            // the file is loaded: keep what the worker now holds, and say which texts did not come back
            error = toUiError(`${added.length - kept.length} text(s) added from Try could not be restored`, e);
            break;
          }
        }
        setState({ source, options, added: kept, summary, loading: false, error });
        return summary;
      } catch (e) {
        setState((s) => ({ ...s, loading: false, error: toUiError('This dataset cannot be used', e) }));
        return undefined;
      }
    },
    [],
  );

  const dismiss = useCallback(() => setState((s) => ({ ...s, error: undefined })), []);
  /** Adds a labelled text to the loaded dataset (the next training uses it); throws what the worker refused. */
  const add = useCallback(async (example: AddedExample) => {
    const summary = await client.run('addExample', example);
    setState((s) => ({ ...s, summary, added: [...s.added, example] }));
  }, []);
  return { state, load, dismiss, add };
}
