import type { ModelSourceMsg } from '../worker/protocol';

/** The generated demo encoder (scripts/build-demo-model.ts), served by the app itself: works with no network. */
export const DEMO_MODEL: Extract<ModelSourceMsg, { kind: 'builtin' }> = {
  kind: 'builtin',
  url: 'models/demo-bert-tiny/',
  name: 'built-in demo encoder (random weights)',
  files: ['config.json', 'vocab.txt', 'tokenizer_config.json', 'model.safetensors'],
};

/** Offline start: the demo encoder, clearly badged, and one line on how to get a real model folder. */
export function DemoModel({ busy, onLoad }: { busy: boolean; onLoad: (s: ModelSourceMsg) => void }) {
  return (
    <div className="row" data-testid="demo-model" style={{ marginTop: 10 }}>
      <button
        type="button"
        disabled={busy}
        onClick={() => onLoad({ ...DEMO_MODEL, url: new URL(DEMO_MODEL.url, document.baseURI).href })}
      >
        Use the built-in demo encoder (no network)
      </button>
      <span className="badge warn">random weights — pipeline check only</span>
      <p className="note" data-testid="real-model-help" style={{ flexBasis: '100%' }}>
        For real results use a pretrained model: a hub model above (downloaded once, then cached here), or a model
        folder picked above — from <code>huggingface-cli download &lt;id&gt;</code>, from{' '}
        <code>browser-bert convert</code> (PyTorch .bin / TF.js → safetensors), or the CLI&apos;s cache
        (~/.cache/browser-bert).
      </p>
    </div>
  );
}
