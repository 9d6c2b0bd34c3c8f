// A module Web Worker that classifies with the runtime (whose kernel starts its own workers from here).
import { loadClassifier } from '../src/index';

self.onmessage = async (e: MessageEvent<{ source: string; texts: string[] }>) => {
  try {
    const clf = await loadClassifier(e.data.source);
    const probs = Array.from(await clf.predictProba(e.data.texts));
    clf.dispose();
    self.postMessage({ probs, threads: clf.threads });
  } catch (err) {
    self.postMessage({ error: String(err) });
  }
};
