/**
 * Child process for the atomic-save tests: `save-child.ts TARGET LOOPS SRC...` reads the classifier folders SRC…
 * and saves them to TARGET in turn, LOOPS times (0 = until killed), through writeBundleFolder — the writer behind
 * classifier.save() and `train --out`. Prints "ready", then "begin i" / "end i" around each save (pipes are
 * synchronous on Linux, so the parent sees each line before the next step). Exit 2 with the message on an error.
 */
import { readBundleFolder, writeBundleFolder } from '../../../src/io/node/bundle-store';

const [target, loopsArg, ...sources] = process.argv.slice(2);
const loops = Number(loopsArg);
const bundles = await Promise.all(sources.map((s) => readBundleFolder(s)));
process.stdout.write('ready\n');
try {
  for (let i = 0; loops === 0 || i < loops; i++) {
    process.stdout.write(`begin ${i}\n`);
    await writeBundleFolder(target!, bundles[i % bundles.length]!);
    process.stdout.write(`end ${i}\n`);
  }
} catch (e) {
  process.stderr.write(`${(e as Error).name}: ${(e as Error).message}\n`);
  process.exit(2);
}
