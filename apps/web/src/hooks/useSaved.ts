import { useCallback, useState } from 'react';
import { client } from '../lib/client-instance';
import { toUiError, type UiError } from '../components/ErrorBox';
import type { ClassifierSummary, SavedClassifierMsg } from '../worker/protocol';

/** Saved classifiers in IndexedDB (listed, loaded, deleted and exported by the worker). */
export function useSaved(onLoaded: (c: ClassifierSummary) => void, endpoint: string) {
  const [saved, setSaved] = useState<readonly SavedClassifierMsg[]>([]);
  const [error, setError] = useState<UiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  /** Runs `f`, showing its error; resolves true when it succeeded. */
  const guard = useCallback(async (title: string, f: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await f();
      return true;
    } catch (e) {
      setError(toUiError(title, e));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);

  const refresh = useCallback(
    () => guard('Saved classifiers could not be listed', async () => setSaved(await client.run('listSaved', {}))),
    [guard],
  );
  const save = useCallback(
    (name: string, includeEncoder = true) =>
      guard('The classifier could not be saved', async () =>
        setSaved(await client.run('save', { name, includeEncoder })),
      ),
    [guard],
  );
  /** Opens a downloaded bundle (.zip) as the active classifier. */
  const openZip = useCallback(
    (file: File) =>
      guard(`${file.name} could not be opened`, async () => {
        const bytes = await file.arrayBuffer();
        const name =
          file.name
            .replace(/\.zip$/i, '')
            .replace(/[^\w.-]/g, '_')
            .slice(0, 64) || undefined;
        onLoaded(await client.run('loadBundle', { bytes, name, endpoint }));
      }),
    [guard, onLoaded, endpoint],
  );
  const remove = useCallback(
    (name: string) =>
      guard('The classifier could not be deleted', async () => setSaved(await client.run('deleteSaved', { name }))),
    [guard],
  );
  const load = useCallback(
    (name: string) =>
      guard('The saved classifier could not be loaded', async () =>
        onLoaded(await client.run('loadSaved', { name, endpoint })),
      ),
    [guard, onLoaded, endpoint],
  );
  const download = useCallback(
    (includeEncoder = true) =>
      guard('The bundle could not be created', async () => {
        const { fileName, bytes } = await client.run('exportZip', { includeEncoder });
        const url = URL.createObjectURL(new Blob([bytes], { type: 'application/zip' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = fileName;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      }),
    [guard],
  );
  return { saved, error, busy, refresh, save, remove, load, openZip, download, dismiss: () => setError(undefined) };
}
