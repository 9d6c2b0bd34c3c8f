/** What every operation handler gets, and the worker's state (one model, one dataset, one active classifier). */
import type { Dataset, LoadedModel } from './core';
import type { BackendInfo } from './protocol';

export interface OpContext<P> {
  readonly id: number;
  readonly signal: AbortSignal;
  /** Sends a progress message for this request; also notices a cancel flagged through shared memory. */
  progress(p: P): void;
  /** Checks the shared cancel flag (call from tight loops); aborts `signal` when set. */
  checkCancel(): void;
}

export interface WorkerState {
  backend: BackendInfo | undefined;
  model: LoadedModel | undefined;
  dataset: { readonly data: Dataset; readonly name: string } | undefined;
}

export const state: WorkerState = { backend: undefined, model: undefined, dataset: undefined };
