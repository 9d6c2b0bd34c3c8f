/**
 * Message types of the labelling mode (issue 15) and of the deployment export (issue 12); the operations that use
 * them are declared in protocol.ts (`Operations`).
 */
import type { LearningCurvePoint } from '@browser-bert/core';

export type LabelSourceMsg =
  /** The built-in e-mails with their labels hidden. */
  | { readonly kind: 'builtin'; readonly url: string; readonly name: string }
  /** CSV / TSV / JSONL whose label column may be partly or wholly empty, or a plain .txt (one text per line). */
  | { readonly kind: 'file'; readonly file: File }
  /** Pasted text, one text per line. */
  | { readonly kind: 'lines'; readonly text: string; readonly name: string };

export type LabelActionMsg =
  | { readonly kind: 'label'; readonly index: number; readonly cls: number }
  | { readonly kind: 'skip'; readonly index: number }
  | { readonly kind: 'undo' }
  | { readonly kind: 'add'; readonly text: string; readonly cls: number }
  | { readonly kind: 'addClass'; readonly name: string }
  | { readonly kind: 'retrain' };

export interface SuggestionMsg {
  readonly index: number;
  readonly text: string;
  readonly reason: 'uncertain' | 'diverse' | 'cold-start' | 'explore' | 'random';
  /** The current head's class probabilities for it (undefined before a head exists). */
  readonly scores: readonly number[] | undefined;
}

export interface LabelItemMsg {
  readonly index: number;
  readonly text: string;
  /** Class index, −1 = not labelled. */
  readonly label: number;
  readonly skipped: boolean;
}

/** A labelling session as the page shows it (the worker holds the session and stores it in IndexedDB). */
export interface LabelViewMsg {
  readonly name: string;
  readonly classes: readonly string[];
  /** Texts in the session (pool + typed examples). */
  readonly size: number;
  readonly labelled: number;
  readonly perClass: readonly number[];
  readonly curve: readonly LearningCurvePoint[];
  /** The next texts to label, best first (empty when every text is labelled or skipped). */
  readonly suggestions: readonly SuggestionMsg[];
  /** The last labelled texts, newest first. */
  readonly recent: readonly LabelItemMsg[];
  readonly canUndo: boolean;
  readonly randomInit: boolean;
  readonly modelSource: string;
  /** Changes until the next automatic retrain. */
  readonly untilRetrain: number;
}

/** What is stored in IndexedDB, readable without a model (after a reload, before the model is loaded again). */
export interface LabelStoredMsg extends Pick<
  LabelViewMsg,
  'name' | 'classes' | 'size' | 'labelled' | 'perClass' | 'modelSource'
> {
  readonly savedAt: string;
}

export type LabelFilterMsg = 'all' | 'unlabelled' | 'labelled';

export interface LabelImportMsg {
  readonly view: LabelViewMsg;
  /** Labels taken from the file for texts of the session. */
  readonly labelled: number;
  /** Labelled texts of the file that were not in the session, added as typed examples. */
  readonly added: number;
  /** Texts labelled differently in the session and the file (the session's label is kept). */
  readonly conflicts: number;
}

export type DeployFormatMsg = 'transformersjs' | 'onnx' | 'hf';
export type DeployDTypeMsg = 'float32' | 'float16' | 'int8';

export interface DeployExportMsg {
  readonly fileName: string;
  /** The zip. */
  readonly bytes: ArrayBuffer;
  /** Every file of the zip with its size, largest first. */
  readonly files: readonly { readonly path: string; readonly bytes: number }[];
  /** Which formats reproduce the classifier exactly, and why (one line each). */
  readonly exactness: readonly string[];
}
