// Page script for portable.browser.test.ts (bundled by esbuild; runs in Chromium).
import { portableChecks } from './portable.checks';

const g = globalThis as unknown as { __done?: unknown; __result?: unknown };
try {
  g.__result = await portableChecks();
  g.__done = true;
} catch (e) {
  g.__done = String((e as Error).stack ?? e);
}
