/** User settings: the model host and the backend, from the URL (?hf_endpoint=, ?backend=), localStorage or env. */
import type { BackendPref } from '../worker/protocol';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';
const BACKENDS: readonly BackendPref[] = ['auto', 'webgpu', 'wasm', 'webgl', 'cpu'];

function stored(key: string): string | undefined {
  try {
    return localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

export function store(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* storage disabled: the setting lasts for this visit only */
  }
}

/** Removes a trailing slash and checks the URL parses; returns undefined when it does not. */
export function normaliseEndpoint(raw: string): string | undefined {
  const t = raw.trim().replace(/\/+$/, '');
  try {
    const u = new URL(t);
    return u.protocol === 'http:' || u.protocol === 'https:' ? t : undefined;
  } catch {
    return undefined;
  }
}

export function initialEndpoint(): string {
  const q = new URLSearchParams(location.search).get('hf_endpoint');
  for (const c of [q, stored('bb.endpoint'), import.meta.env.VITE_HF_ENDPOINT]) {
    const n = c ? normaliseEndpoint(c) : undefined;
    if (n) return n;
  }
  return DEFAULT_ENDPOINT;
}

export function initialBackend(): BackendPref {
  const q = new URLSearchParams(location.search).get('backend') ?? stored('bb.backend');
  return BACKENDS.includes(q as BackendPref) ? (q as BackendPref) : 'auto';
}

export { BACKENDS };
