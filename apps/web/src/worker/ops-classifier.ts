/** Saved classifiers (waiting for the library's storage: packages/core/src/storage). */
import { StorageError } from '@browser-bert/core';
import type { ClassifierSummary, SavedClassifierMsg } from './protocol';

const pending = () =>
  new StorageError('saving is not wired up in this build yet', 'the library storage is still landing');
export async function save(_name: string): Promise<SavedClassifierMsg[]> {
  throw pending();
}
export async function listSaved(): Promise<SavedClassifierMsg[]> {
  return [];
}
export async function loadSaved(_name: string): Promise<ClassifierSummary> {
  throw pending();
}
export async function deleteSaved(_name: string): Promise<SavedClassifierMsg[]> {
  throw pending();
}
export async function exportZip(): Promise<{ fileName: string; bytes: ArrayBuffer }> {
  throw pending();
}
