// Train a spam classifier in Node with the same pipeline the web app runs in the browser.
// Usage: node --import tsx examples/quickstart.ts <model: hub id or folder> <data.tsv> <out-dir>
import { readFile } from 'node:fs/promises';
import { formatReportTable, loadClassifier, parseDataset, trainClassifier } from '@browser-bert/core';
import { initNodeBackend, loadNode } from '@browser-bert/core/node'; // Node: wasm files, folders, disk cache

const [modelSource = 'google/bert_uncased_L-2_H-128_A-2', dataFile = 'sms.tsv', outDir = 'my-classifier'] =
  process.argv.slice(2);

await initNodeBackend('wasm');
const model = await loadNode(modelSource); // hub id (HF_ENDPOINT, cached) or local folder
const dataset = parseDataset(await readFile(dataFile, 'utf8')); // CSV / TSV / JSONL, columns detected

const { classifier, report } = await trainClassifier({ model, dataset, options: { pooling: 'mean', seed: 42 } });
console.log(formatReportTable(report)); // held-out test metrics + majority baseline
await classifier.save(outDir);
classifier.dispose();
model.dispose();

const clf = await loadClassifier(outDir); // the tiny runtime: bundle → ready classifier
console.log(await clf.classify(['WINNER! Claim your free prize now', 'see you at lunch?']));
clf.dispose();
