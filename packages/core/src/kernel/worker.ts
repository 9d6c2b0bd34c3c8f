/**
 * The kernel worker: one WebAssembly kernel instance (bert.c) per worker, speaking the protocol of protocol.ts
 * (init → ready, run → result, any failure → error). Not imported by the library: `npm run build:kernel` bundles it
 * (esbuild, one classic script without imports) into worker-bundle.ts, which the engine starts from a Blob URL in
 * browsers and with `eval: true` in Node's worker_threads — no bundler support and no extra file to serve.
 */
import type { KernelReply, KernelRequest } from './protocol.ts';

/** What this file needs of bert.c's exports (see its EXPORT lines). */
interface KernelExports {
  readonly memory: WebAssembly.Memory;
  bb_config(
    vocab: number,
    hidden: number,
    layers: number,
    heads: number,
    inter: number,
    act: number,
    eps: number,
    maxPos: number,
    typeVocab: number,
    pooler: number,
    externalWords: number,
  ): number;
  bb_weight_ptr(kind: number, layer: number): number;
  bb_weight_len(kind: number, layer: number): number;
  bb_input(batch: number, seq: number): number;
  bb_words(): number;
  bb_seq_start(): number;
  bb_hidden_stride(): number;
  bb_run(batch: number, seq: number, keepPadding: number, pooling: number): number;
  bt_config(
    trainFrom: number,
    embeddings: number,
    pooling: number,
    normalize: number,
    headHidden: number,
    classes: number,
    queryScale: number,
    hiddenDropout: number,
    attentionDropout: number,
    headDropout: number,
  ): number;
  bt_exchange(): number;
  bt_load(): void;
  bt_input(batch: number, seq: number): number;
  bt_labels(): number;
  bt_example_weights(): number;
  bt_step(batch: number, seq: number, seed: number, example0: number, train: number): number;
  bb_peak(rounds: number, x: number): number;
}

/** Where messages come from and go to: the worker's global scope, or worker_threads' parentPort in Node. */
interface Host {
  post(reply: KernelReply, transfer?: Transferable[]): void;
  listen(handler: (message: KernelRequest) => void): void;
}

interface NodeParentPort {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: 'message', listener: (message: KernelRequest) => void): void;
}

function host(): Host {
  const scope = (globalThis as { self?: Partial<DedicatedWorkerGlobalScopeLike> }).self;
  if (scope !== undefined && typeof scope.postMessage === 'function') {
    const self = scope as DedicatedWorkerGlobalScopeLike;
    return {
      post: (reply, transfer = []) => self.postMessage(reply, transfer),
      listen: (handler) => (self.onmessage = (e) => handler(e.data)),
    };
  }
  // Node runs this bundle as a CommonJS-style eval script, where require exists and self does not.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const port = (require('node:worker_threads') as { parentPort: NodeParentPort }).parentPort;
  return {
    post: (reply, transfer = []) => port.postMessage(reply, transfer),
    listen: (handler) => port.on('message', handler),
  };
}

/** The parts of a dedicated worker's global scope used here (the DOM lib types have no worker scope). */
interface DedicatedWorkerGlobalScopeLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((e: { data: KernelRequest }) => void) | null;
}

const io = host();
let ex: KernelExports | undefined;
let hidden = 0;
let stride = 0;
let vocab = 0;
let words: Float32Array | undefined; // the shared word table, when the engine shares one (protocol.ts: init.words)
let params = 0; // length of the training kernel's parameter vector, once configured

/** The module a 'compile' message compiled ahead of init, with its bytes. */
let compiled: { readonly bytes: Uint8Array; readonly module: WebAssembly.Module } | undefined;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

function compile(msg: Extract<KernelRequest, { type: 'compile' }>): void {
  compiled = { bytes: msg.wasm, module: new WebAssembly.Module(msg.wasm) };
}

function init(msg: Extract<KernelRequest, { type: 'init' }>): void {
  const module =
    compiled !== undefined && sameBytes(compiled.bytes, msg.wasm) ? compiled.module : new WebAssembly.Module(msg.wasm);
  compiled = undefined;
  const k = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
  const c = msg.config;
  const rc = k.bb_config(
    c.vocab,
    c.hidden,
    c.layers,
    c.heads,
    c.inter,
    c.act,
    c.eps,
    c.maxPos,
    c.typeVocab,
    c.pooler ? 1 : 0,
    msg.words ? 1 : 0,
  );
  if (rc !== 0) throw new Error(`the kernel could not allocate the model (code ${rc})`);
  for (const w of msg.slots) {
    const len = k.bb_weight_len(w.kind, w.layer);
    if (len !== w.length) throw new Error(`weight slot ${w.kind}/${w.layer} expects ${len} values, got ${w.length}`);
    const values = msg.image.subarray(w.offset, w.offset + w.length);
    new Float32Array(k.memory.buffer, k.bb_weight_ptr(w.kind, w.layer), len).set(values);
  }
  // The image is ours (transferred) and copied: release it now rather than at the next GC, where possible.
  const buffer = msg.image.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  if (typeof buffer.transfer === 'function') buffer.transfer(0);
  hidden = c.hidden;
  vocab = c.vocab;
  words = msg.words;
  if (words !== undefined && words.length !== vocab * hidden) {
    throw new Error(`the shared word table has ${words.length} values, expected ${vocab * hidden}`);
  }
  stride = k.bb_hidden_stride();
  ex = k;
  io.post({ type: 'ready' });
}

type Batch = Pick<Extract<KernelRequest, { type: 'run' }>, 'batch' | 'seq' | 'ids' | 'types' | 'mask'>;

/** Writes a batch at `input` (bb_input / bt_input), and its word rows when the word table is shared. */
function writeBatch(k: KernelExports, input: number, msg: Batch): void {
  const n = msg.batch * msg.seq;
  if (input === 0) throw new Error(`out of memory for a batch of ${msg.batch} x ${msg.seq} tokens`);
  const i32 = new Int32Array(k.memory.buffer, input, 3 * n);
  i32.set(msg.ids, 0);
  i32.set(msg.types, n);
  i32.set(msg.mask, 2 * n);
  if (words !== undefined) {
    // Each input position's word row, gathered from the shared table (bert.c: EXT_WORDS).
    const rows = new Float32Array(k.memory.buffer, k.bb_words(), n * hidden);
    for (let i = 0; i < n; i++) {
      const id = msg.ids[i]!;
      if (!(id >= 0 && id < vocab)) throw new Error(`token id ${id} is outside the vocabulary of ${vocab}`);
      rows.set(words.subarray(id * hidden, id * hidden + hidden), i * hidden);
    }
  }
}

function run(msg: Extract<KernelRequest, { type: 'run' }>): void {
  if (ex === undefined) throw new Error('the kernel worker was not initialised');
  writeBatch(ex, ex.bb_input(msg.batch, msg.seq), msg);
  const out = ex.bb_run(msg.batch, msg.seq, msg.keepPadding ? 1 : 0, msg.pooling);
  if (out === 0) throw new Error('the kernel rejected the batch (token id or type out of range, or out of memory)');
  const seqStart = new Int32Array(ex.memory.buffer, ex.bb_seq_start(), msg.batch + 1).slice();
  const rows = msg.pooling === 0 ? seqStart[msg.batch]! : msg.batch;
  const f32 = new Float32Array(ex.memory.buffer);
  const data = new Float32Array(rows * hidden);
  for (let r = 0, o = out / 4; r < rows; r++, o += stride) data.set(f32.subarray(o, o + hidden), r * hidden);
  io.post({ type: 'result', id: msg.id, data, seqStart }, [data.buffer, seqStart.buffer]);
}

function trainConfig(msg: Extract<KernelRequest, { type: 'train-config' }>): void {
  if (ex === undefined) throw new Error('the kernel worker was not initialised');
  const c = msg.config;
  const n = ex.bt_config(
    c.trainFrom,
    c.embeddings ? 1 : 0,
    c.pooling,
    c.normalize ? 1 : 0,
    c.headHidden,
    c.classes,
    c.queryScale,
    c.hiddenDropout,
    c.attentionDropout,
    c.headDropout,
  );
  if (n < 0) throw new Error(`the training kernel could not be configured (code ${n})`);
  if (n !== c.params) throw new Error(`the training kernel has ${n} parameters, JS expects ${c.params}`);
  params = n;
  io.post({ type: 'train-ready' });
}

function trainStep(msg: Extract<KernelRequest, { type: 'train-step' }>): void {
  if (ex === undefined || params === 0) throw new Error('the training kernel was not configured');
  const xch = (): Float32Array => new Float32Array(ex!.memory.buffer, ex!.bt_exchange(), params);
  if (msg.params !== undefined) {
    xch().set(msg.params);
    ex.bt_load();
  }
  writeBatch(ex, ex.bt_input(msg.batch, msg.seq), msg);
  new Int32Array(ex.memory.buffer, ex.bt_labels(), msg.batch).set(msg.labels);
  new Float32Array(ex.memory.buffer, ex.bt_example_weights(), msg.batch).set(msg.weights);
  const out = ex.bt_step(msg.batch, msg.seq, msg.seed >>> 0, msg.example0, msg.train ? 1 : 0);
  if (out === 0)
    throw new Error('the training kernel rejected the batch (id, type or label out of range, or out of memory)');
  const [lossSum, weightSum, correct] = new Float64Array(ex.memory.buffer, out, 3);
  let grads: Float32Array | undefined;
  if (msg.train) {
    grads = msg.spare?.length === params ? msg.spare : new Float32Array(params);
    grads.set(xch());
  }
  const spare = msg.params;
  const transfer = [grads?.buffer, spare?.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  io.post(
    { type: 'step', id: msg.id, lossSum: lossSum!, weightSum: weightSum!, correct: correct!, grads, spare },
    transfer,
  );
}

/**
 * bb_peak on an instance of its own: repeated until V8 has tiered the function up (300 ms), then the best of 5
 * timed calls of `rounds` rounds (128 flops each).
 */
function peak(msg: Extract<KernelRequest, { type: 'peak' }>): void {
  const k = new WebAssembly.Instance(new WebAssembly.Module(msg.wasm), {}).exports as unknown as KernelExports;
  for (const t0 = performance.now(); performance.now() - t0 < 300;) k.bb_peak(msg.rounds >> 4, 0.999);
  let ms = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    k.bb_peak(msg.rounds, 0.999);
    ms = Math.min(ms, performance.now() - t0);
  }
  io.post({ type: 'peak', id: msg.id, flops: msg.rounds * 128, ms });
}

function handle(msg: KernelRequest): void {
  try {
    if (msg.type === 'init') init(msg);
    else if (msg.type === 'compile') compile(msg);
    else if (msg.type === 'run') run(msg);
    else if (msg.type === 'train-config') trainConfig(msg);
    else if (msg.type === 'train-step') trainStep(msg);
    else if (msg.type === 'peak') peak(msg);
    else throw new Error(`unknown message type ${String((msg as { type: unknown }).type)}`);
  } catch (e) {
    const id = 'id' in msg ? msg.id : undefined;
    io.post({ type: 'error', id, message: String((e as Error | undefined)?.message ?? e) });
  }
}

io.listen(handle);
