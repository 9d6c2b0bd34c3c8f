import { useEffect, useState } from 'react';
import { client } from '../lib/client-instance';
import { formatBytes } from '../lib/format';
import type { BundleSizesMsg } from '../worker/protocol';

/** Exact zip sizes of the active classifier (with / without its encoder), refetched when it changes. */
export function useBundleSizes(version: number | undefined): BundleSizesMsg | undefined {
  const [sizes, setSizes] = useState<BundleSizesMsg | undefined>(undefined);
  useEffect(() => {
    setSizes(undefined);
    if (version === undefined) return;
    let live = true;
    client.run('bundleSizes', {}).then(
      (s) => live && setSizes(s),
      () => undefined, // sizes are informative; save and download still work and report their own errors
    );
    return () => {
      live = false;
    };
  }, [version]);
  return sizes;
}

/**
 * Self-contained (encoder included, the default) or head only. Head only records the encoder's id, revision and
 * weights hash; an encoder from picked files has no address, which is said before the user chooses it.
 */
export function EncoderChoice(props: {
  sizes: BundleSizesMsg | undefined;
  include: boolean;
  canHeadOnly: boolean;
  onChange: (include: boolean) => void;
}) {
  const { sizes, include, canHeadOnly, onChange } = props;
  const e = sizes?.encoder;
  const size = (n: number | undefined) => (n === undefined ? '…' : formatBytes(n));
  return (
    <fieldset className="choice" data-testid="encoder-choice">
      <legend>What the saved / downloaded classifier holds</legend>
      <label>
        <input type="radio" name="bundle-encoder" checked={include} onChange={() => onChange(true)} />
        Head and encoder — self-contained, opens anywhere with nothing else (
        <span data-testid="size-with-encoder">{size(sizes?.withEncoder)}</span>)
      </label>
      <label>
        <input
          type="radio"
          name="bundle-encoder"
          checked={!include}
          disabled={!canHeadOnly}
          onChange={() => onChange(false)}
        />
        Head only (<span data-testid="size-head-only">{canHeadOnly ? size(sizes?.headOnly) : 'n/a'}</span>)
        {sizes && !canHeadOnly && <span className="help"> a fine-tuned encoder changed: it is always included</span>}
      </label>
      {!include && e && (
        <p className={e.pickedFiles ? 'badge warn' : 'note'} data-testid="head-only-note">
          {e.pickedFiles
            ? `This encoder came from a local folder, which has no address: a head-only classifier opens only after that same folder is loaded in step 1 (weights ${e.weightsHash.slice(0, 12)}…; CLI: --encoder <folder>).`
            : `Opening it loads ${e.source}${e.revision ? `@${e.revision}` : ''} from the model cache or the model host, checked by its weights hash ${e.weightsHash.slice(0, 12)}… (CLI: found the same way, or --encoder).`}
        </p>
      )}
    </fieldset>
  );
}

/** Opens a downloaded classifier (.zip) in the app: pick it or drop it here. */
export function OpenZip({ busy, onOpen }: { busy: boolean; onOpen: (file: File) => void }) {
  const [over, setOver] = useState(false);
  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      data-testid="open-zip-drop"
      onDragOver={(ev) => {
        ev.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(ev) => {
        ev.preventDefault();
        setOver(false);
        const f = ev.dataTransfer.files[0];
        if (f) onOpen(f);
      }}
    >
      <label className="field">
        Open a downloaded classifier (.zip) — or drop it here
        <input
          type="file"
          accept=".zip,application/zip"
          disabled={busy}
          data-testid="open-zip"
          onChange={(ev) => {
            const f = ev.target.files?.[0];
            if (f) onOpen(f);
            ev.target.value = '';
          }}
        />
      </label>
    </div>
  );
}
