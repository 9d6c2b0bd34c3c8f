import { useCallback, useEffect, useRef, useState } from 'react';
import { client } from '../lib/client-instance';
import { downloadFile } from '../lib/download';
import { toUiError, type UiError } from '../components/ErrorBox';
import type { TrainProgressMsg } from '../worker/protocol';
import type { LabelActionMsg, LabelSourceMsg, LabelStoredMsg, LabelViewMsg } from '../worker/protocol-label';

export interface LabellingState {
  /** What IndexedDB holds (readable before a model is loaded). */
  readonly stored: LabelStoredMsg | undefined;
  /** The live session in the worker. */
  readonly view: LabelViewMsg | undefined;
  readonly busy: boolean;
  readonly progress: TrainProgressMsg | undefined;
  readonly error: UiError | undefined;
  readonly notice: string | undefined;
}

/**
 * The labelling session, held by the worker and stored in IndexedDB after every change. Errors are shown and change
 * nothing; after a worker restart the session is resumed from IndexedDB before the next action.
 * `prepare` re-sends backend and model to a restarted worker; `workerReady`: its backend is initialised.
 */
export function useLabelling(prepare: () => Promise<void>, workerReady: boolean, modelReady: boolean) {
  const [state, setState] = useState<LabellingState>({
    stored: undefined,
    view: undefined,
    busy: false,
    progress: undefined,
    error: undefined,
    notice: undefined,
  });
  const generation = useRef(-1);
  const busy = useRef(false);

  const run = useCallback(async <T>(title: string, f: () => Promise<T>): Promise<T | undefined> => {
    if (busy.current) return undefined;
    busy.current = true;
    setState((s) => ({ ...s, busy: true, error: undefined, notice: undefined }));
    try {
      return await f();
    } catch (e) {
      setState((s) => ({ ...s, error: toUiError(title, e) }));
      return undefined;
    } finally {
      busy.current = false;
      setState((s) => ({ ...s, busy: false, progress: undefined }));
    }
  }, []);

  const show = useCallback((view: LabelViewMsg) => {
    generation.current = client.generation;
    setState((s) => ({ ...s, view, stored: undefined }));
  }, []);

  const refreshStored = useCallback(async () => {
    try {
      const stored = await client.run('labelStored', {});
      setState((s) => ({ ...s, stored: s.view ? undefined : stored }));
    } catch (e) {
      setState((s) => ({ ...s, error: toUiError('The stored labels could not be read', e) }));
    }
  }, []);

  const resumeNow = useCallback(async () => {
    await prepare();
    show(await client.call('labelResume', {}, (p) => setState((s) => ({ ...s, progress: p }))).promise);
  }, [prepare, show]);

  /** The worker was restarted since the session was shown: resume it from IndexedDB first. */
  const live = useCallback(async () => {
    if (generation.current !== client.generation) await resumeNow();
  }, [resumeNow]);

  const start = useCallback(
    (source: LabelSourceMsg, classes: string[]) =>
      run('Labelling could not start', async () => {
        await prepare();
        show(
          await client.call('labelStart', { source, classes }, (p) => setState((s) => ({ ...s, progress: p }))).promise,
        );
      }),
    [prepare, run, show],
  );

  const resume = useCallback(() => run('The stored labels could not be resumed', resumeNow), [run, resumeNow]);

  const act = useCallback(
    (action: LabelActionMsg) =>
      run('That did not work', async () => {
        await live();
        show(await client.run('labelAct', { action }));
        return true;
      }),
    [live, run, show],
  );

  const importFile = useCallback(
    (file: File) =>
      run(`${file.name} could not be loaded`, async () => {
        await live();
        const r = await client.run('labelImport', { file });
        show(r.view);
        setState((s) => ({
          ...s,
          notice: `${file.name}: ${r.labelled} labels taken, ${r.added} new texts added${r.conflicts ? `, ${r.conflicts} conflicting labels ignored (yours kept)` : ''}.`,
        }));
      }),
    [live, run, show],
  );

  const exportLabels = useCallback(
    (format: 'csv' | 'jsonl', labelledOnly: boolean) =>
      run('The labels could not be exported', async () => {
        const r = await client.run('labelExport', { format, labelledOnly });
        downloadFile(r.text, r.fileName, format === 'csv' ? 'text/csv' : 'application/x-ndjson');
      }),
    [run],
  );

  /** The labelled texts as CSV (text,label) for the normal training flow. */
  const labelledCsv = useCallback(
    () =>
      run('The labels could not be read', async () => {
        await live();
        return client.run('labelExport', { format: 'csv', labelledOnly: true });
      }),
    [live, run],
  );

  const discard = useCallback(
    () =>
      run('The stored labels could not be deleted', async () => {
        await client.run('labelDiscard', {});
        setState((s) => ({ ...s, view: undefined, stored: undefined }));
      }),
    [run],
  );

  // once the worker's backend is up (a request before it would start the default backend)
  useEffect(() => {
    if (workerReady) void refreshStored();
  }, [workerReady, refreshStored]);

  // After a reload: once a model is loaded, the stored session comes back by itself.
  const autoResumed = useRef(false);
  useEffect(() => {
    if (modelReady && state.stored && !state.view && !autoResumed.current) {
      autoResumed.current = true;
      void resume();
    }
  }, [modelReady, state.stored, state.view, resume]);

  const dismiss = useCallback(() => setState((s) => ({ ...s, error: undefined })), []);
  return { state, start, resume, act, importFile, exportLabels, labelledCsv, discard, dismiss };
}
