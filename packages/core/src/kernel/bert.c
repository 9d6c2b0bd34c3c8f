/*
 * BERT inference forward in WebAssembly SIMD128: the kernel behind the "wasm-simd" inference engine.
 *
 * Why by hand: tfjs-backend-wasm 4.22 sends only 2-D non-transposed products to XNNPACK; attention's batched
 * products, Erf, LayerNorm and slices run scalar and single-threaded there (bench/FINDINGS.md). This file does the
 * whole inference forward with SIMD register-blocked products, fused bias + activation, and attention over real
 * tokens only. One instance is single-threaded; the engine runs one instance per worker.
 *
 * Built by `npm run build:kernel` (clang --target=wasm32, no libc) into bert-wasm.ts. Weights arrive from JS
 * already in kernel layout (see ../kernel/pack.ts): Linear weights as [in, out] split into panels of 8 columns.
 */
#include <wasm_simd128.h>
#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(#name)))
/* c + a·b: one fused multiply-add in the relaxed-SIMD build (-DRELAXED, -mrelaxed-simd), else a multiply and an add. */
#ifdef RELAXED
#define MADD(a, b, c) __builtin_wasm_relaxed_madd_f32x4((a), (b), (c))
#else
#define MADD(a, b, c) wasm_f32x4_add((c), wasm_f32x4_mul((a), (b)))
#endif
#define NR 8 /* panel width (columns) */
#ifndef MR
#define MR 4 /* rows per micro-kernel (4 × 8 columns = 8 accumulators: more spills registers in V8) */
#endif

extern unsigned char __heap_base;
static uintptr_t heap_top = (uintptr_t)&__heap_base;

static void *bump(uintptr_t bytes) {
  uintptr_t p = (heap_top + 15) & ~(uintptr_t)15;
  uintptr_t end = p + bytes;
  uintptr_t have = __builtin_wasm_memory_size(0) * 65536;
  if (end > have) {
    uintptr_t pages = (end - have + 65535) / 65536;
    if (__builtin_wasm_memory_grow(0, pages) == (uintptr_t)-1) return 0;
  }
  heap_top = end;
  return (void *)p;
}

/* ---------------------------------------------------------------- model */

enum { ACT_NONE = 0, ACT_GELU = 1, ACT_GELU_TANH = 2, ACT_RELU = 3, ACT_TANH = 4 };

/* Weight slots JS fills (bb_weight_ptr). Layer slots are per layer. */
enum {
  W_WORD = 0, W_POS, W_TYPE, W_EMB_LN_G, W_EMB_LN_B, W_POOL_W, W_POOL_B, /* model-level */
  W_QKV = 16, W_QKV_B, W_O, W_O_B, W_LN1_G, W_LN1_B, W_I, W_I_B, W_OUT, W_OUT_B, W_LN2_G, W_LN2_B /* per layer */
};
#define N_MODEL_SLOTS 7
#define N_LAYER_SLOTS 12
#define MAX_LAYERS 64

static int V, H, L, NH, DH, I, ACT, MAXPOS, TV;
static float EPS;
static float *slot_ptr[N_MODEL_SLOTS + MAX_LAYERS * N_LAYER_SLOTS];
static int slot_len[N_MODEL_SLOTS + MAX_LAYERS * N_LAYER_SLOTS];
static uintptr_t act_mark;
static int act_rows, act_seq, act_batch;
static float *X, *QKV, *CTX, *TMP, *INTER, *SCORES, *POOLED, *POOLER_OUT, *OUT;
static int act_out_rows; /* rows (batch × seq) the per-batch buffers hold */
static int32_t *IN, *ROW_POS, *ROW_TYPE, *ROW_ID, *ROW_KEY, *SEQ_START;
/*
 * External word rows (EXT_WORDS = 1): the word table is not in this memory (the caller keeps one copy, shared by
 * every worker) and the caller writes each input position's word row into WORDS (batch × seq × H) before bb_run.
 * ROW_ID then indexes WORDS by input position instead of the table by token id.
 */
static int EXT_WORDS;
static float *WORDS;

static int panels(int n) { return (n + NR - 1) / NR; }

static int slot_index(int kind, int layer) {
  if (kind < N_MODEL_SLOTS) return kind;
  return N_MODEL_SLOTS + layer * N_LAYER_SLOTS + (kind - W_QKV);
}

static int alloc_slot(int kind, int layer, int len) {
  float *p = (float *)bump((uintptr_t)len * 4);
  if (!p) return 0;
  int k = slot_index(kind, layer);
  slot_ptr[k] = p;
  slot_len[k] = len;
  return 1;
}

/* Linear weights are stored packed: panels(out) × in × NR floats (zero-padded columns); biases padded to NR. */
static int packed_len(int in, int out) { return panels(out) * in * NR; }

EXPORT(bb_config)
int bb_config(int vocab, int hidden, int layers, int heads, int inter, int act, float eps, int max_pos,
              int type_vocab, int pooler, int external_words) {
  if (layers < 1 || layers > MAX_LAYERS || heads < 1 || hidden % heads != 0 || inter < 1) return -1;
  V = vocab, H = hidden, L = layers, NH = heads, DH = hidden / heads, I = inter, ACT = act, EPS = eps;
  MAXPOS = max_pos, TV = type_vocab, EXT_WORDS = external_words != 0;
  int ok = alloc_slot(W_WORD, 0, EXT_WORDS ? 0 : V * H) && alloc_slot(W_POS, 0, MAXPOS * H) && alloc_slot(W_TYPE, 0, TV * H) &&
           alloc_slot(W_EMB_LN_G, 0, H) && alloc_slot(W_EMB_LN_B, 0, H);
  if (pooler) ok = ok && alloc_slot(W_POOL_W, 0, packed_len(H, H)) && alloc_slot(W_POOL_B, 0, panels(H) * NR);
  for (int l = 0; ok && l < L; l++) {
    ok = alloc_slot(W_QKV, l, packed_len(H, 3 * H)) && alloc_slot(W_QKV_B, l, panels(3 * H) * NR) &&
         alloc_slot(W_O, l, packed_len(H, H)) && alloc_slot(W_O_B, l, panels(H) * NR) &&
         alloc_slot(W_LN1_G, l, H) && alloc_slot(W_LN1_B, l, H) && alloc_slot(W_I, l, packed_len(H, I)) &&
         alloc_slot(W_I_B, l, panels(I) * NR) && alloc_slot(W_OUT, l, packed_len(I, H)) &&
         alloc_slot(W_OUT_B, l, panels(H) * NR) && alloc_slot(W_LN2_G, l, H) && alloc_slot(W_LN2_B, l, H);
  }
  act_mark = heap_top;
  act_rows = act_seq = act_batch = 0;
  return ok ? 0 : -2;
}

EXPORT(bb_weight_ptr)
float *bb_weight_ptr(int kind, int layer) { return slot_ptr[slot_index(kind, layer)]; }

EXPORT(bb_weight_len)
int bb_weight_len(int kind, int layer) { return slot_len[slot_index(kind, layer)]; }

static float *W(int kind, int layer) { return slot_ptr[slot_index(kind, layer)]; }

/*
 * Room for n floats after the weights, in the activations' space (so the next run reserves its buffers again):
 * where a worker puts a checkpoint's Linear weight for bb_pack_linear.
 */
EXPORT(bb_scratch)
float *bb_scratch(int n) {
  heap_top = act_mark;
  act_rows = act_seq = act_batch = act_out_rows = 0;
  return n < 0 ? 0 : (float *)bump((uintptr_t)n * 4);
}

/*
 * Packs w (row-major out × in: PyTorch's Linear layout) times scale into the Linear slot (kind, layer) as its output
 * columns col0 … col0 + out − 1 (a fused QKV takes three calls); the slot's other columns are left as they are (zero
 * from bb_config). Returns 0 when they do not fit the slot.
 */
EXPORT(bb_pack_linear)
int bb_pack_linear(int kind, int layer, const float *w, int out, int in, int col0, float scale) {
  int k = slot_index(kind, layer);
  if (out < 1 || in < 1 || col0 < 0 || panels(col0 + out) * in * NR > slot_len[k]) return 0;
  float *dst = slot_ptr[k];
  for (int r = 0; r < out; r++) {
    int j = col0 + r;
    float *d = dst + (uintptr_t)(j / NR) * in * NR + j % NR;
    const float *src = w + (uintptr_t)r * in;
    for (int i = 0; i < in; i++) d[(uintptr_t)i * NR] = src[i] * scale;
  }
  return 1;
}

/*
 * The layers run on groups of whole sequences of at most GROUP_ROWS rows (one longer sequence alone), so the
 * activation buffers stay small (≈ 5 KB per row for bert-tiny) whatever the batch; wasm memory never shrinks.
 */
#define GROUP_ROWS 1024

/* Buffers for `batch` sequences of up to `seq` positions; activations for one group. */
static int reserve(int batch, int seq) {
  if (batch * seq <= act_out_rows && seq <= act_seq && batch <= act_batch) return 1;
  if (seq < act_seq) seq = act_seq;
  if (batch < act_batch) batch = act_batch;
  int all = batch * seq;
  if (all < act_out_rows) all = act_out_rows;
  int rows = GROUP_ROWS + seq < all ? GROUP_ROWS + seq : all;
  heap_top = act_mark;
  int in_w = panels(I) * NR, h_w = panels(H) * NR, qkv_w = panels(3 * H) * NR;
  X = bump((uintptr_t)rows * h_w * 4);
  QKV = bump((uintptr_t)rows * qkv_w * 4);
  CTX = bump((uintptr_t)rows * h_w * 4);
  TMP = bump((uintptr_t)rows * h_w * 4);
  INTER = bump((uintptr_t)rows * in_w * 4);
  SCORES = bump((uintptr_t)(seq + 4) * 4);
  POOLED = bump((uintptr_t)batch * h_w * 4);
  POOLER_OUT = bump((uintptr_t)batch * h_w * 4);
  IN = bump((uintptr_t)all * 3 * 4);
  ROW_POS = bump((uintptr_t)all * 4);
  ROW_TYPE = bump((uintptr_t)all * 4);
  ROW_ID = bump((uintptr_t)all * 4);
  ROW_KEY = bump((uintptr_t)all * 4);
  SEQ_START = bump((uintptr_t)(batch + 1) * 4);
  OUT = bump((uintptr_t)all * h_w * 4); /* hidden rows of the whole batch (pooling none / flatten) */
  WORDS = EXT_WORDS ? bump((uintptr_t)all * H * 4) : 0;
  if (!X || !QKV || !CTX || !TMP || !INTER || !SCORES || !POOLED || !POOLER_OUT || !OUT || !IN || !ROW_POS || !ROW_TYPE ||
      !ROW_ID || !ROW_KEY || !SEQ_START || (EXT_WORDS && !WORDS)) {
    act_rows = act_seq = act_batch = act_out_rows = 0;
    return 0;
  }
  act_rows = rows, act_seq = seq, act_batch = batch, act_out_rows = all;
  return 1;
}

/* ---------------------------------------------------------------- math */

/* e^x for 4 lanes: 2^n · p(r), r = x − n·ln2, |r| ≤ ln2/2, degree-6 Taylor (relative error < 2e-7). */
static v128_t v_exp(v128_t x) {
  x = wasm_f32x4_pmax(wasm_f32x4_pmin(x, wasm_f32x4_splat(88.0f)), wasm_f32x4_splat(-87.0f));
  v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693145751953125f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(1.428606765330187045e-06f)));
  v128_t p = wasm_f32x4_splat(1.0f / 720);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 120));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 24));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 6));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(0.5f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  v128_t e = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(p, e);
}

/* erf for 4 lanes: Abramowitz & Stegun 7.1.26 (absolute error ≤ 1.5e-7). */
static v128_t v_erf(v128_t x) {
  v128_t sign = wasm_v128_and(x, wasm_i32x4_splat((int32_t)0x80000000));
  v128_t a = wasm_f32x4_abs(x);
  v128_t t = wasm_f32x4_div(wasm_f32x4_splat(1.0f),
                            wasm_f32x4_add(wasm_f32x4_splat(1.0f), wasm_f32x4_mul(a, wasm_f32x4_splat(0.3275911f))));
  v128_t p = wasm_f32x4_splat(1.061405429f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, t), wasm_f32x4_splat(-1.453152027f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, t), wasm_f32x4_splat(1.421413741f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, t), wasm_f32x4_splat(-0.284496736f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, t), wasm_f32x4_splat(0.254829592f));
  p = wasm_f32x4_mul(p, t);
  v128_t y = wasm_f32x4_sub(wasm_f32x4_splat(1.0f), wasm_f32x4_mul(p, v_exp(wasm_f32x4_neg(wasm_f32x4_mul(a, a)))));
  return wasm_v128_or(y, sign);
}

/* tanh for 4 lanes: 1 − 2/(e^{2x} + 1), x clamped to ±9 (tanh(9) = 1 − 3e-8). */
static v128_t v_tanh(v128_t x) {
  x = wasm_f32x4_pmax(wasm_f32x4_pmin(x, wasm_f32x4_splat(9.0f)), wasm_f32x4_splat(-9.0f));
  v128_t e = v_exp(wasm_f32x4_add(x, x));
  return wasm_f32x4_sub(wasm_f32x4_splat(1.0f),
                        wasm_f32x4_div(wasm_f32x4_splat(2.0f), wasm_f32x4_add(e, wasm_f32x4_splat(1.0f))));
}

static v128_t v_act(v128_t x, int act) {
  switch (act) {
    case ACT_GELU: /* 0.5·x·(1 + erf(x/√2)) */
      return wasm_f32x4_mul(wasm_f32x4_mul(x, wasm_f32x4_splat(0.5f)),
                            wasm_f32x4_add(wasm_f32x4_splat(1.0f),
                                           v_erf(wasm_f32x4_mul(x, wasm_f32x4_splat(0.70710678118654752f)))));
    case ACT_GELU_TANH: { /* 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) */
      v128_t x2 = wasm_f32x4_mul(x, x);
      v128_t inner = wasm_f32x4_mul(
          wasm_f32x4_mul(x, wasm_f32x4_add(wasm_f32x4_splat(1.0f), wasm_f32x4_mul(x2, wasm_f32x4_splat(0.044715f)))),
          wasm_f32x4_splat(0.79788456080286536f));
      return wasm_f32x4_mul(wasm_f32x4_mul(x, wasm_f32x4_splat(0.5f)), wasm_f32x4_add(wasm_f32x4_splat(1.0f), v_tanh(inner)));
    }
    case ACT_RELU:
      return wasm_f32x4_pmax(x, wasm_f32x4_splat(0.0f));
    case ACT_TANH:
      return v_tanh(x);
    default:
      return x;
  }
}

/* ---------------------------------------------------------------- products */

/*
 * C[M × ldc] = act(A[M × K] · Bp + bias) with A row stride lda, Bp packed (panels of NR columns), bias padded;
 * accumulate = 1: C += A · Bp + bias (the training's backward). C is written for every padded column
 * (ldc = panels(N)·NR), so stores are always whole vectors.
 * Rows are taken in chunks so the chunk of A stays in cache while all panels of B pass over it.
 */
/* Not inlined: V8 allocates registers better for the micro-kernel in its own function (measured). */
__attribute__((noinline)) static void gemm_into(const float *A, int lda, const float *Bp, const float *bias, float *C, int ldc, int M,
                                                int N, int K, int act, int accumulate) {
  const int np = panels(N);
  const int MC = 48;
  for (int m0 = 0; m0 < M; m0 += MC) {
    const int mEnd = m0 + MC < M ? m0 + MC : M;
    for (int p = 0; p < np; p++) {
      const float *bp = Bp + (uintptr_t)p * K * NR;
      const v128_t bias0 = wasm_v128_load(bias + p * NR), bias1 = wasm_v128_load(bias + p * NR + 4);
      int m = m0;
      for (; m + MR <= mEnd; m += MR) {
        const float *a0 = A + (uintptr_t)m * lda;
        float *cp = C + (uintptr_t)m * ldc + p * NR;
        v128_t c[MR][2];
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) c[r][0] = bias0, c[r][1] = bias1;
        if (accumulate) {
#pragma clang loop unroll(full)
          for (int r = 0; r < MR; r++) {
            c[r][0] = wasm_f32x4_add(c[r][0], wasm_v128_load(cp + (uintptr_t)r * ldc));
            c[r][1] = wasm_f32x4_add(c[r][1], wasm_v128_load(cp + (uintptr_t)r * ldc + 4));
          }
        }
        const float *b = bp;
        for (int k = 0; k < K; k++, b += NR) {
          const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
#pragma clang loop unroll(full)
          for (int r = 0; r < MR; r++) {
            const v128_t a = wasm_v128_load32_splat(a0 + (uintptr_t)r * lda + k);
            c[r][0] = MADD(a, b0, c[r][0]);
            c[r][1] = MADD(a, b1, c[r][1]);
          }
        }
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++, cp += ldc) {
          wasm_v128_store(cp, v_act(c[r][0], act));
          wasm_v128_store(cp + 4, v_act(c[r][1], act));
        }
      }
      for (; m < mEnd; m++) {
        const float *a0 = A + (uintptr_t)m * lda;
        float *c = C + (uintptr_t)m * ldc + p * NR;
        v128_t c00 = bias0, c01 = bias1;
        if (accumulate) c00 = wasm_f32x4_add(c00, wasm_v128_load(c)), c01 = wasm_f32x4_add(c01, wasm_v128_load(c + 4));
        const float *b = bp;
        for (int k = 0; k < K; k++, b += NR) {
          const v128_t a = wasm_v128_load32_splat(a0 + k);
          c00 = MADD(a, wasm_v128_load(b), c00);
          c01 = MADD(a, wasm_v128_load(b + 4), c01);
        }
        wasm_v128_store(c, v_act(c00, act)), wasm_v128_store(c + 4, v_act(c01, act));
      }
    }
  }
}

static void gemm(const float *A, int lda, const float *Bp, const float *bias, float *C, int ldc, int M, int N, int K, int act) {
  gemm_into(A, lda, Bp, bias, C, ldc, M, N, K, act, 0);
}

/* ---------------------------------------------------------------- blocks */

static float hsum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) +
         wasm_f32x4_extract_lane(v, 3);
}

/* x[r] = LayerNorm(x[r] + res[r]) per row (res may be 0); H is a multiple of 4 (checked by bb_config's caller). */
static void add_layer_norm(float *x, int ldx, const float *res, int ldr, int rows, const float *g, const float *b) {
  const float invH = 1.0f / (float)H;
  for (int r = 0; r < rows; r++) {
    float *xr = x + (uintptr_t)r * ldx;
    v128_t s = wasm_f32x4_splat(0.0f);
    if (res) {
      const float *rr = res + (uintptr_t)r * ldr;
      for (int j = 0; j < H; j += 4) {
        v128_t v = wasm_f32x4_add(wasm_v128_load(xr + j), wasm_v128_load(rr + j));
        wasm_v128_store(xr + j, v);
        s = wasm_f32x4_add(s, v);
      }
    } else {
      for (int j = 0; j < H; j += 4) s = wasm_f32x4_add(s, wasm_v128_load(xr + j));
    }
    const v128_t mean = wasm_f32x4_splat(hsum(s) * invH);
    v128_t q = wasm_f32x4_splat(0.0f);
    for (int j = 0; j < H; j += 4) {
      v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + j), mean);
      q = wasm_f32x4_add(q, wasm_f32x4_mul(d, d));
    }
    const v128_t inv = wasm_f32x4_splat(1.0f / __builtin_sqrtf(hsum(q) * invH + EPS));
    for (int j = 0; j < H; j += 4) {
      v128_t d = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + j), mean), inv);
      wasm_v128_store(xr + j, wasm_f32x4_add(wasm_f32x4_mul(d, wasm_v128_load(g + j)), wasm_v128_load(b + j)));
    }
  }
}

/*
 * Self-attention of one sequence (rows [r0, r1) of QKV, query already scaled by 1/√dH): for each head and query
 * row, softmax over the key rows (ROW_KEY = 1) of q·k, then the weighted sum of their values into CTX.
 * A sequence without any key row attends uniformly to all its rows.
 */
static void attend(int r0, int r1, int base, int ldq, int ldc) {
  int keys = 0;
  for (int r = r0; r < r1; r++) keys += ROW_KEY[r];
  for (int h = 0; h < NH; h++) {
    const int qo = h * DH, ko = H + h * DH, vo = 2 * H + h * DH;
    for (int i = r0; i < r1; i++) {
      const float *q = QKV + (uintptr_t)(i - base) * ldq + qo;
      float mx = -3.0e38f;
      for (int j = r0; j < r1; j++) {
        float s = 0.0f;
        if (keys == 0 || ROW_KEY[j]) {
          const float *k = QKV + (uintptr_t)(j - base) * ldq + ko;
          v128_t acc = wasm_f32x4_splat(0.0f);
          for (int d = 0; d < DH; d += 4) acc = MADD(wasm_v128_load(q + d), wasm_v128_load(k + d), acc);
          s = keys == 0 ? 0.0f : hsum(acc);
          if (s > mx) mx = s;
        }
        SCORES[j - r0] = s;
      }
      const int n = r1 - r0;
      float sum = 0.0f;
      int j = 0;
      const v128_t vmx = wasm_f32x4_splat(keys == 0 ? 0.0f : mx);
      for (; j + 4 <= n; j += 4) {
        v128_t e = v_exp(wasm_f32x4_sub(wasm_v128_load(SCORES + j), vmx));
        wasm_v128_store(SCORES + j, e);
      }
      for (; j < n; j++) {
        v128_t e = v_exp(wasm_f32x4_splat(SCORES[j] - (keys == 0 ? 0.0f : mx)));
        SCORES[j] = wasm_f32x4_extract_lane(e, 0);
      }
      for (j = 0; j < n; j++) {
        if (keys != 0 && !ROW_KEY[r0 + j]) SCORES[j] = 0.0f;
        sum += SCORES[j];
      }
      const float inv = 1.0f / sum;
      float *out = CTX + (uintptr_t)(i - base) * ldc + qo;
      for (int d = 0; d < DH; d += 4) wasm_v128_store(out + d, wasm_f32x4_splat(0.0f));
      for (j = 0; j < n; j++) {
        const float p = SCORES[j];
        if (p == 0.0f) continue;
        const v128_t vp = wasm_f32x4_splat(p * inv);
        const float *v = QKV + (uintptr_t)(r0 + j - base) * ldq + vo;
        for (int d = 0; d < DH; d += 4)
          wasm_v128_store(out + d, MADD(vp, wasm_v128_load(v + d), wasm_v128_load(out + d)));
      }
    }
  }
}

/* out[r] = word + position + token type embedding of row base + r, for `rows` rows (row stride hs). */
static void embed_rows(int base, int rows, float *out, int hs) {
  const float *word = EXT_WORDS ? WORDS : W(W_WORD, 0), *pos = W(W_POS, 0), *type = W(W_TYPE, 0);
  for (int r = 0; r < rows; r++) {
    const int a = base + r;
    const float *w = word + (uintptr_t)ROW_ID[a] * H, *p = pos + (uintptr_t)ROW_POS[a] * H,
                *t = type + (uintptr_t)ROW_TYPE[a] * H;
    float *x = out + (uintptr_t)r * hs;
    for (int j = 0; j < H; j += 4)
      wasm_v128_store(x + j, wasm_f32x4_add(wasm_f32x4_add(wasm_v128_load(w + j), wasm_v128_load(p + j)), wasm_v128_load(t + j)));
  }
}

/* The encoder layers on the rows of sequences [g0, g1) (activations indexed from the group's first row). */
static void forward_group(int g0, int g1) {
  const int hs = panels(H) * NR, qs = panels(3 * H) * NR, is = panels(I) * NR;
  const int base = SEQ_START[g0], rows = SEQ_START[g1] - base;
  embed_rows(base, rows, X, hs);
  add_layer_norm(X, hs, 0, 0, rows, W(W_EMB_LN_G, 0), W(W_EMB_LN_B, 0));
  for (int l = 0; l < L; l++) {
    gemm(X, hs, W(W_QKV, l), W(W_QKV_B, l), QKV, qs, rows, 3 * H, H, ACT_NONE);
    for (int b = g0; b < g1; b++) attend(SEQ_START[b], SEQ_START[b + 1], base, qs, hs);
    gemm(CTX, hs, W(W_O, l), W(W_O_B, l), TMP, hs, rows, H, H, ACT_NONE);
    add_layer_norm(X, hs, TMP, hs, rows, W(W_LN1_G, l), W(W_LN1_B, l)); /* X = LN(attn + X) */
    gemm(X, hs, W(W_I, l), W(W_I_B, l), INTER, is, rows, I, H, ACT);
    gemm(INTER, is, W(W_OUT, l), W(W_OUT_B, l), TMP, hs, rows, H, I, ACT_NONE);
    add_layer_norm(X, hs, TMP, hs, rows, W(W_LN2_G, l), W(W_LN2_B, l));
  }
}

/* Pooled rows of sequences [g0, g1) from X: 1 = mean over mask-1 rows, else the row of position 0. */
static void pool_group(int g0, int g1, int pooling) {
  const int hs = panels(H) * NR, base = SEQ_START[g0];
  for (int b = g0; b < g1; b++) {
    float *out = POOLED + (uintptr_t)b * hs;
    const int r0 = SEQ_START[b], r1 = SEQ_START[b + 1];
    if (pooling == 1) {
      int n = 0;
      for (int j = 0; j < hs; j += 4) wasm_v128_store(out + j, wasm_f32x4_splat(0.0f));
      for (int r = r0; r < r1; r++) {
        if (!ROW_KEY[r]) continue;
        n++;
        const float *x = X + (uintptr_t)(r - base) * hs;
        for (int j = 0; j < hs; j += 4) wasm_v128_store(out + j, wasm_f32x4_add(wasm_v128_load(out + j), wasm_v128_load(x + j)));
      }
      const v128_t inv = wasm_f32x4_splat(n > 0 ? 1.0f / (float)n : 0.0f);
      for (int j = 0; j < hs; j += 4) wasm_v128_store(out + j, wasm_f32x4_mul(wasm_v128_load(out + j), inv));
    } else {
      const float *x = X + (uintptr_t)(r0 - base) * hs; /* row of position 0: always computed */
      for (int j = 0; j < hs; j += 4) wasm_v128_store(out + j, wasm_v128_load(x + j));
    }
  }
}

/*
 * The rows to compute from the batch in IN ([ids | token types | mask]): only real tokens (mask 1) and position 0
 * of each sequence, or every position with keep_padding; fills ROW_* and SEQ_START. 0 when an id, token type or
 * position is out of range.
 */
static int build_rows(int batch, int seq, int keep_padding) {
  const int32_t *ids = IN, *types = IN + batch * seq, *mask = IN + 2 * batch * seq;
  int rows = 0;
  for (int b = 0; b < batch; b++) {
    SEQ_START[b] = rows;
    int real = 0;
    for (int s = 0; s < seq; s++) real += mask[b * seq + s] != 0;
    for (int s = 0; s < seq; s++) {
      const int k = b * seq + s;
      if (!(keep_padding || mask[k] || s == 0 || real == 0)) continue;
      if (ids[k] < 0 || ids[k] >= V || types[k] < 0 || types[k] >= TV || s >= MAXPOS) return 0;
      ROW_ID[rows] = EXT_WORDS ? k : ids[k], ROW_TYPE[rows] = types[k], ROW_POS[rows] = s, ROW_KEY[rows] = mask[k] != 0;
      rows++;
    }
  }
  SEQ_START[batch] = rows;
  return 1;
}

/* ---------------------------------------------------------------- entry points */

EXPORT(bb_input)
int32_t *bb_input(int batch, int seq) { return reserve(batch, seq) ? IN : 0; }

EXPORT(bb_words)
float *bb_words(void) { return WORDS; }

EXPORT(bb_seq_start)
int32_t *bb_seq_start(void) { return SEQ_START; }

EXPORT(bb_hidden_stride)
int bb_hidden_stride(void) { return panels(H) * NR; }

/*
 * Runs the encoder on the batch in bb_input ([ids | token types | mask], each batch×seq int32, row-major).
 * keep_padding = 0: only real tokens (mask 1) and position 0 of each sequence are computed — padding changes
 * nothing for them, because padded keys get zero attention; keep_padding = 1: every position (for 'flatten').
 * pooling: 0 = none (returns the hidden rows, SEQ_START[b]… per sequence, stride bb_hidden_stride),
 * 1 = mean over mask-1 rows, 2 = [CLS] row, 3 = pooler (tanh(dense([CLS]))); returns POOLED (batch × stride).
 * Returns 0 when an id or token type is out of range (checked by the caller first) or memory ran out.
 */
EXPORT(bb_run)
float *bb_run(int batch, int seq, int keep_padding, int pooling) {
  if (!reserve(batch, seq) || !build_rows(batch, seq, keep_padding)) return 0;
  const int hs = panels(H) * NR;

  for (int g0 = 0; g0 < batch;) {
    int g1 = g0 + 1;
    while (g1 < batch && SEQ_START[g1 + 1] - SEQ_START[g0] <= GROUP_ROWS) g1++;
    forward_group(g0, g1);
    const int base = SEQ_START[g0];
    if (pooling == 0) {
      const int n = SEQ_START[g1] - base;
      float *dst = OUT + (uintptr_t)base * hs;
      for (int i = 0; i < n * hs; i += 4) wasm_v128_store(dst + i, wasm_v128_load(X + i));
    } else {
      pool_group(g0, g1, pooling);
    }
    g0 = g1;
  }
  if (pooling == 0) return OUT;
  if (pooling == 3) {
    if (!W(W_POOL_W, 0)) return 0;
    gemm(POOLED, hs, W(W_POOL_W, 0), W(W_POOL_B, 0), POOLER_OUT, hs, batch, H, H, ACT_TANH);
    return POOLER_OUT;
  }
  return POOLED;
}
