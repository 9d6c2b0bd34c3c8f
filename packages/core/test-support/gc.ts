/**
 * Garbage-collection probes for retention tests (Node): watch objects, drop your references, then ask which ones
 * the collector freed. Uses V8's gc() (enabled at runtime) and a FinalizationRegistry.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

export interface CollectionWatch {
  watch(target: object, name: string): void;
  /** Names of the watched objects freed after a few full collections. */
  collected(): Promise<Set<string>>;
}

export function watchCollection(): CollectionWatch {
  const freed = new Set<string>();
  const names = new Set<string>();
  const registry = new FinalizationRegistry<string>((name) => freed.add(name));
  return {
    watch(target, name) {
      names.add(name);
      registry.register(target, name);
    },
    async collected() {
      for (let round = 0; round < 10 && freed.size < names.size; round++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return new Set(freed);
    },
  };
}
