/** Turns anything thrown in the worker into the protocol's ErrorMsg (code + what to do). */
import { BrowserBertError, isCancelled } from './core';
import type { ErrorMsg } from './protocol';

function looksLikeOom(message: string): boolean {
  return /out of memory|allocation failed|array buffer allocation|memory access out of bounds|cannot enlarge memory|failed to allocate/i.test(
    message,
  );
}

export function toErrorMsg(e: unknown): ErrorMsg {
  if (isCancelled(e)) return { name: 'CancelledError', code: 'CANCELLED', message: 'Cancelled', hint: '' };
  if (e instanceof BrowserBertError) {
    const message = e.hint && e.message.endsWith(` — ${e.hint}`) ? e.message.slice(0, -(e.hint.length + 3)) : e.message;
    return { name: e.name, code: e.code, message, hint: e.hint };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  if (looksLikeOom(err.message)) {
    return {
      name: err.name,
      code: 'OOM',
      message: `The browser ran out of memory (${err.message})`,
      hint: 'use a smaller model, a smaller batch size or fewer texts, or close other tabs; your data is kept',
    };
  }
  return {
    name: err.name,
    code: 'INTERNAL',
    message: err.message,
    hint: 'this looks like a bug: please report it with the steps that led here',
  };
}
