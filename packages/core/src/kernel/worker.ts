/**
 * The kernel worker: one WebAssembly kernel instance (bert.c) per worker, speaking the protocol of protocol.ts
 * (init → ready, run → result, any failure → error). Not imported by the library: `npm run build:kernel` bundles it
 * (esbuild, one classic script without imports) into worker-bundle.ts, which the engine starts from a Blob URL in
 * browsers and with `eval: true` in Node's worker_threads — no bundler support and no extra file to serve.
 */
import { encoderWeightSpecs } from '../encoder/weight-values.ts';
import { isShared } from '../util/shared-memory.ts';
import { toFloat32 } from '../weights/dtype.ts';
import { tensorAt } from '../weights/safetensors.ts';
import type { RawTensor } from '../weights/types.ts';
import { packBias, slotPlan, weightImage, WORD_SLOT } from './pack.ts';
import type { KernelReply, KernelRequest, KernelWeight } from './protocol.ts';

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
  bb_scratch(n: number): number;
  bb_pack_linear(
    kind: number,
    layer: number,
    w: number,
    out: number,
    inDim: number,
    col0: number,
    scale: number,
  ): number;
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

type Init = Extract<KernelRequest, { type: 'init' }>;

type CheckpointWeights = Extract<Init['weights'], { kind: 'checkpoint' }>;

/**
 * Fills every slot from the checkpoint file's bytes (`file`, read by init): Linear weights packed by the kernel
 * (bb_pack_linear, from their [out, in] values in scratch memory), the rest converted here; the word table into
 * `words` when it is shared.
 */
function packCheckpoint(
  k: KernelExports,
  w: CheckpointWeights,
  file: Uint8Array,
  words: Float32Array | undefined,
): void {
  const specs = encoderWeightSpecs(w.bert, w.hasPooler);
  if (specs.length !== w.tensors.length) throw new Error(`expected ${specs.length} tensors, got ${w.tensors.length}`);
  const places = new Map(specs.map((spec, i) => [spec.name, w.tensors[i]!]));
  const raw = (name: string): RawTensor => {
    const place = places.get(name);
    if (place === undefined) throw new Error(`the checkpoint has no tensor for ${name}`);
    return tensorAt(file, w.dataStart, place);
  };
  const slot = (kind: number, layer: number) =>
    new Float32Array(k.memory.buffer, k.bb_weight_ptr(kind, layer), k.bb_weight_len(kind, layer));
  for (const plan of slotPlan(w.bert, w.hasPooler)) {
    if (plan.how === 'as-is')
      toFloat32(raw(plan.name), plan.kind === WORD_SLOT && words ? words : slot(plan.kind, plan.layer));
    else if (plan.how === 'bias') slot(plan.kind, plan.layer).set(packBias(plan.parts, (name) => toFloat32(raw(name))));
    else {
      for (const part of plan.parts) {
        const n = part.out * plan.in;
        const at = k.bb_scratch(n);
        if (at === 0) throw new Error(`out of memory packing ${part.name}`);
        toFloat32(raw(part.name), new Float32Array(k.memory.buffer, at, n));
        if (k.bb_pack_linear(plan.kind, plan.layer, at, part.out, plan.in, part.col0, part.scale) === 0)
          throw new Error(`${part.name} does not fit its kernel slot`);
      }
    }
  }
}

/** Every slot's current values in this worker's memory (views), but the word table when it is shared. */
function slotViews(k: KernelExports, w: CheckpointWeights, shared: boolean): KernelWeight[] {
  return slotPlan(w.bert, w.hasPooler)
    .filter((plan) => !(shared && plan.kind === WORD_SLOT))
    .map(({ kind, layer }) => ({
      kind,
      layer,
      values: new Float32Array(k.memory.buffer, k.bb_weight_ptr(kind, layer), k.bb_weight_len(kind, layer)),
    }));
}

/** A checkpoint init reading its file: the messages that come meanwhile wait for it, in order (see handle). */
let reading: Promise<void> | undefined;

function init(msg: Init): void {
  const w = msg.weights;
  if (w.kind === 'packed') return initKernel(msg, undefined);
  reading = w.file
    .arrayBuffer()
    .then(
      (bytes) => initKernel(msg, new Uint8Array(bytes)),
      (e: unknown) => {
        const message = `could not read the checkpoint file (${(e as Error | undefined)?.message ?? String(e)})`;
        io.post({ type: 'error', id: undefined, message, kind: 'read' });
      },
    )
    .catch((e: unknown) => fail(msg, e))
    .finally(() => (reading = undefined));
}

function initKernel(msg: Init, file: Uint8Array | undefined): void {
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
  words = msg.words;
  if (words !== undefined && words.length !== c.vocab * c.hidden) {
    throw new Error(`the shared word table has ${words.length} values, expected ${c.vocab * c.hidden}`);
  }
  const w = msg.weights;
  if (w.kind === 'checkpoint') {
    if (file === undefined) throw new Error("a checkpoint init without the checkpoint's bytes");
    packCheckpoint(k, w, file, words);
    // the file is ours (read here) and packed: release it before the image for the others is made, where possible
    const bytes = file.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
    if (typeof bytes.transfer === 'function') bytes.transfer(0);
  } else {
    for (const s of w.slots) {
      const len = k.bb_weight_len(s.kind, s.layer);
      if (len !== s.length) throw new Error(`weight slot ${s.kind}/${s.layer} expects ${len} values, got ${s.length}`);
      new Float32Array(k.memory.buffer, k.bb_weight_ptr(s.kind, s.layer), len).set(
        w.image.subarray(s.offset, s.offset + s.length),
      );
    }
    // The image is ours (transferred) and copied: release it now rather than at the next GC, where possible.
    const buffer = w.image.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
    if (typeof buffer.transfer === 'function') buffer.transfer(0);
  }
  hidden = c.hidden;
  vocab = c.vocab;
  stride = k.bb_hidden_stride();
  ex = k;
  io.post({ type: 'ready' });
  if (w.kind === 'checkpoint' && w.packForOthers) {
    // the weights as packed here, for the engine's other workers (transferred: this worker keeps its wasm copy)
    const { image, slots } = weightImage(slotViews(k, w, words !== undefined));
    io.post({ type: 'packed', image, slots }, [image.buffer]);
  }
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
  const spare = msg.params && isShared(msg.params.buffer) ? undefined : msg.params; // (the trainer's own copy)
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
  if (reading !== undefined) {
    // after the init that is reading its file (each waiting message chained in arrival order)
    void reading.then(() => handle(msg));
    return;
  }
  try {
    if (msg.type === 'init') init(msg);
    else if (msg.type === 'compile') compile(msg);
    else if (msg.type === 'run') run(msg);
    else if (msg.type === 'train-config') trainConfig(msg);
    else if (msg.type === 'train-step') trainStep(msg);
    else if (msg.type === 'peak') peak(msg);
    else throw new Error(`unknown message type ${String((msg as { type: unknown }).type)}`);
  } catch (e) {
    fail(msg, e);
  }
}

function fail(msg: KernelRequest, e: unknown): void {
  const id = 'id' in msg ? msg.id : undefined;
  io.post({ type: 'error', id, message: String((e as Error | undefined)?.message ?? e) });
}

io.listen(handle);
