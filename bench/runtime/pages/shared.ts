/** Page helpers: report a result to the driver (window.__result / __done). */
export function finish(result: unknown): void {
  (globalThis as Record<string, unknown>).__result = result;
  (globalThis as Record<string, unknown>).__done = true;
}
export function fail(e: unknown): void {
  (globalThis as Record<string, unknown>).__done = String((e as Error).stack ?? e);
}
export const param = (name: string): string => new URLSearchParams(location.search).get(name) ?? '';
