import { BACKENDS } from '../lib/settings';
import type { BackendInfo, BackendPref } from '../worker/protocol';

const NAMES: Record<BackendPref, string> = {
  auto: 'auto (best available)',
  webgpu: 'WebGPU',
  wasm: 'wasm (SIMD + threads)',
  webgl: 'WebGL',
  cpu: 'cpu (slow, plain JS)',
};

/** The compute backend: preference (auto or manual) and what is actually running. */
export function BackendBar({
  pref,
  info,
  onChange,
}: {
  pref: BackendPref;
  info: BackendInfo | undefined;
  onChange: (b: BackendPref) => void;
}) {
  return (
    <div className="statusbar">
      <label className="field" style={{ flexDirection: 'row', alignItems: 'center', gap: 6 }}>
        Backend
        <select
          value={pref}
          onChange={(e) => onChange(e.target.value as BackendPref)}
          title="auto picks WebGPU when a GPU adapter exists, else wasm (SIMD + threads), else WebGL, else cpu"
          style={{ width: 'auto' }}
        >
          {BACKENDS.map((b) => (
            <option key={b} value={b}>
              {NAMES[b]}
            </option>
          ))}
        </select>
      </label>
      <span data-testid="active-backend" className="badge">
        {info ? `active: ${info.backend}` : 'starting…'}
      </span>
      {info?.backend === 'wasm' && (
        <span className="note">
          {info.simd ? 'SIMD' : 'no SIMD'} ·{' '}
          {info.threads && info.threads > 1 ? `${info.threads} threads` : 'single thread'}
          {!info.crossOriginIsolated && ' (serve with COOP/COEP headers for threads)'}
        </span>
      )}
    </div>
  );
}
