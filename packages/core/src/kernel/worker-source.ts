/**
 * The kernel worker, as source text: started from a Blob URL in browsers and with `eval: true` by Node's
 * worker_threads, so it needs no bundler support and no extra file to serve. Plain JS, no imports; it speaks the
 * protocol of protocol.ts (init → ready, run → result, any failure → error).
 */
export const KERNEL_WORKER_SOURCE = String.raw`
'use strict';
const isNode = typeof self === 'undefined' || typeof self.postMessage !== 'function';
const port = isNode ? require('node:worker_threads').parentPort : self;
let ex = null;
let hidden = 0;
let stride = 0;
let vocab = 0;
let words = null; // the shared word table, when the engine shares one (protocol.ts: init.words)
function handle(msg) {
  try {
    if (msg.type === 'init') {
      ex = new WebAssembly.Instance(new WebAssembly.Module(msg.wasm), {}).exports;
      const c = msg.config;
      const rc = ex.bb_config(c.vocab, c.hidden, c.layers, c.heads, c.inter, c.act, c.eps, c.maxPos, c.typeVocab,
        c.pooler ? 1 : 0, msg.words ? 1 : 0);
      if (rc !== 0) throw new Error('the kernel could not allocate the model (code ' + rc + ')');
      for (const w of msg.slots) {
        const len = ex.bb_weight_len(w.kind, w.layer);
        if (len !== w.length) {
          throw new Error('weight slot ' + w.kind + '/' + w.layer + ' expects ' + len + ' values, got ' + w.length);
        }
        const values = msg.image.subarray(w.offset, w.offset + w.length);
        new Float32Array(ex.memory.buffer, ex.bb_weight_ptr(w.kind, w.layer), len).set(values);
      }
      // The image is ours (transferred) and copied: release it now rather than at the next GC, where possible.
      if (typeof msg.image.buffer.transfer === 'function') msg.image.buffer.transfer(0);
      hidden = c.hidden;
      vocab = c.vocab;
      words = msg.words || null;
      if (words !== null && words.length !== vocab * hidden) {
        throw new Error('the shared word table has ' + words.length + ' values, expected ' + vocab * hidden);
      }
      stride = ex.bb_hidden_stride();
      port.postMessage({ type: 'ready' });
      return;
    }
    if (msg.type === 'run') {
      if (ex === null) throw new Error('the kernel worker was not initialised');
      const n = msg.batch * msg.seq;
      const input = ex.bb_input(msg.batch, msg.seq);
      if (input === 0) throw new Error('out of memory for a batch of ' + msg.batch + ' x ' + msg.seq + ' tokens');
      const i32 = new Int32Array(ex.memory.buffer, input, 3 * n);
      i32.set(msg.ids, 0);
      i32.set(msg.types, n);
      i32.set(msg.mask, 2 * n);
      if (words !== null) {
        // Each input position's word row, gathered from the shared table (bert.c: EXT_WORDS).
        const rows = new Float32Array(ex.memory.buffer, ex.bb_words(), n * hidden);
        for (let k = 0; k < n; k++) {
          const id = msg.ids[k];
          if (!(id >= 0 && id < vocab)) throw new Error('token id ' + id + ' is outside the vocabulary of ' + vocab);
          rows.set(words.subarray(id * hidden, id * hidden + hidden), k * hidden);
        }
      }
      const out = ex.bb_run(msg.batch, msg.seq, msg.keepPadding ? 1 : 0, msg.pooling);
      if (out === 0) throw new Error('the kernel rejected the batch (token id or type out of range, or out of memory)');
      const seqStart = new Int32Array(ex.memory.buffer, ex.bb_seq_start(), msg.batch + 1).slice();
      const rows = msg.pooling === 0 ? seqStart[msg.batch] : msg.batch;
      const f32 = new Float32Array(ex.memory.buffer);
      const data = new Float32Array(rows * hidden);
      for (let r = 0, o = out / 4; r < rows; r++, o += stride) data.set(f32.subarray(o, o + hidden), r * hidden);
      port.postMessage({ type: 'result', id: msg.id, data, seqStart }, [data.buffer, seqStart.buffer]);
      return;
    }
    throw new Error('unknown message type ' + String(msg.type));
  } catch (e) {
    port.postMessage({ type: 'error', id: msg.id, message: String((e && e.message) || e) });
  }
}
if (isNode) port.on('message', handle);
else self.onmessage = (e) => handle(e.data);
`;
