/** What every operation handler gets, and the worker's state (one model, one dataset, one active classifier). */
import type { Classifier, Dataset, LoadedModel, TrainingReport, TrainResult } from './core';
import type { BackendInfo, ClassifierSummary } from './protocol';

export interface OpContext<P> {
  readonly id: number;
  readonly signal: AbortSignal;
  /** Sends a progress message for this request; also notices a cancel flagged through shared memory. */
  progress(p: P): void;
  /** Checks the shared cancel flag (call from tight loops); aborts `signal` when set. */
  checkCancel(): void;
}

export interface ActiveClassifier {
  readonly classifier: Classifier;
  /** The loaded model whose encoder the classifier borrows (not owned by it), if any. */
  readonly borrows: LoadedModel | undefined;
  readonly summary: ClassifierSummary;
  /** Set when it was trained here: what the threshold slider / curves need. */
  readonly trained:
    | {
        readonly report: TrainingReport;
        /** The test split exactly as the library scored it for the report. */
        readonly test: TrainResult['test'];
      }
    | undefined;
}

export interface WorkerState {
  backend: BackendInfo | undefined;
  model: LoadedModel | undefined;
  /** `added`: examples added from Try since it was loaded. */
  dataset: { readonly data: Dataset; readonly name: string; readonly added?: number } | undefined;
  active: ActiveClassifier | undefined;
}

export const state: WorkerState = { backend: undefined, model: undefined, dataset: undefined, active: undefined };

/** Makes `model` the current one; the previous one is disposed unless the active classifier still borrows it. */
export function replaceModel(model: LoadedModel): void {
  const old = state.model;
  state.model = model;
  if (old && old !== model && old !== state.active?.borrows) old.dispose();
}

/** Makes `next` the active classifier; disposes the previous one and any model only it was keeping alive. */
export function replaceActive(next: ActiveClassifier): void {
  const old = state.active;
  state.active = next;
  if (!old || old.classifier === next.classifier) return;
  old.classifier.dispose();
  const m = old.borrows;
  if (m && m !== state.model && m !== next.borrows) m.dispose();
}

/**
 * ModelInfo.source of models loaded from picked files or a picked directory in this worker: descriptions ("local
 * files", a folder's name), not addresses a head-only bundle could be loaded from again.
 */
export const pickedSources = new Set<string>();
