/*
 * Fine-tuning in WebAssembly SIMD128: one training step of a shard of a batch — the forward with dropout and the
 * activations the backward needs, the classification head and its class-weighted cross-entropy, and the backward
 * through the head, the pooling (mean / cls / pooler, optionally L2-normalised), the top layers and (optionally)
 * the position / token-type embeddings and their LayerNorm — into the gradient of every trained tensor.
 * The optimiser runs in JS (kernel/adam.ts) on the gradients summed over the workers; the new values come back
 * through the same exchange buffer (bt_exchange, bt_load).
 *
 * One translation unit with bert.c (included below), so the forward's helpers inline here; the build compiles this
 * file, and the module serves inference (bb_*) and training (bt_*) alike. A worker uses one or the other: the
 * training reserves its own buffers (bt_input) and never calls bb_input / bb_run.
 * Over 400 lines because the forward-with-saves, the backward and the head belong to one step and share its state.
 *
 * Exchange layout (plain, as the TF.js variables: Linear weights [in, out] row-major): [position, token type,
 * embedding LN γ, β] when the embeddings train; per trained layer l: q W, b, k W, b, v W, b, attention-output W, b,
 * LN1 γ, β, intermediate W, b, output W, b, LN2 γ, β; [pooler W, b]; head [hidden W, b], logits W, b.
 */
#include "bert.c"

enum { P_POS = 0, P_TYPE, P_ELN_G, P_ELN_B };
enum { L_WQ = 0, L_BQ, L_WK, L_BK, L_WV, L_BV, L_WO, L_BO, L_LN1G, L_LN1B, L_WI, L_BI, L_WOUT, L_BOUT, L_LN2G, L_LN2B, L_N };
#define TRAIN_GROUP_ROWS 256 /* rows of one forward + backward pass: bounds the saved activations whatever the batch */
#define SITE_HEAD 1000000

static int T_FROM, T_EMB, T_POOL, T_NORM, HU, NC, HIN, N_PARAMS;
static float QSCALE, P_HID, P_ATT, P_HEAD;
static uint32_t SEED;
static int off_emb[4], off_layer[MAX_LAYERS][L_N], off_pool[2], off_head[4];
static float *XCH;                      /* exchange: parameters in (bt_load), gradients out (bt_step) */
static float *WT[MAX_LAYERS][4], *WT_POOL; /* transposed packs (Wᵀ in panels) of trained Linear weights: qkv, o, i, out */
static float *HEADW, *ZERO;
static uintptr_t train_mark;
static double RESULT[3]; /* Σ w·CE, Σ w, correct */
static int32_t *LABELS;
static float *EXW; /* per-example loss weight */

/* Saved activations of one layer for one group of rows. */
typedef struct {
  float *xin, *qkv, *ctx, *xh1, *x1, *pre, *act, *xh2, *rs1, *rs2;
} Saved;
static Saved SV[MAX_LAYERS + 1]; /* trained layers; SV[MAX_LAYERS] = scratch for the others */
static float *FINAL, *XHE, *RSE, *TMP_T, *D1, *DT, *DI, *DCTX, *DQKV, *PROW, *DPROW, *MROW;
static float *CLSB, *POOLV, *POOLN, *HZ, *HA, *HD, *LOGIT, *DLOG, *DHID, *DZ, *DPOOL;
static int t_rows, t_all, t_batch, t_seq;

static int HS, QS, IS;

#include "train-ops.h"

/* ---------------------------------------------------------------- layout */

static int tlen(int in, int out) { return in * out; }

EXPORT(bt_config)
int bt_config(int train_from, int emb, int pooling, int normalize, int head_hidden, int classes, float qscale, float p_hidden,
              float p_attn, float p_head) {
  if (train_from < 0 || train_from > L || pooling < 1 || pooling > 3 || classes < 2 || I % 4 != 0) return -1;
  if (pooling == 3 && !W(W_POOL_W, 0)) return -1;
  T_FROM = train_from, T_EMB = emb != 0, T_POOL = pooling, T_NORM = normalize != 0, HU = head_hidden, NC = classes;
  QSCALE = qscale, P_HID = p_hidden, P_ATT = p_attn, P_HEAD = p_head;
  HS = panels(H) * NR, QS = panels(3 * H) * NR, IS = panels(I) * NR;
  int n = 0;
  if (T_EMB) {
    const int lens[4] = {MAXPOS * H, TV * H, H, H};
    for (int t = 0; t < 4; t++) off_emb[t] = n, n += lens[t];
  }
  for (int l = T_FROM; l < L; l++) {
    const int lens[L_N] = {H * H, H, H * H, H, H * H, H, H * H, H, H, H, tlen(H, I), I, tlen(I, H), H, H, H};
    for (int t = 0; t < L_N; t++) off_layer[l][t] = n, n += lens[t];
  }
  if (T_POOL == 3) off_pool[0] = n, n += H * H, off_pool[1] = n, n += H;
  HIN = HU > 0 ? HU : H;
  const int head0 = n;
  if (HU > 0) off_head[0] = n, n += H * HU, off_head[1] = n, n += HU;
  off_head[2] = n, n += HIN * NC, off_head[3] = n, n += NC;
  N_PARAMS = n;
  heap_top = act_mark; /* the forward's inference buffers are not used by a training worker */
  XCH = bump((uintptr_t)n * 4);
  HEADW = bump((uintptr_t)(n - head0) * 4);
  ZERO = bump((uintptr_t)(panels(3 * H > I ? 3 * H : I) + 1) * NR * 4);
  if (!XCH || !HEADW || !ZERO) return -2;
  for (int l = T_FROM; l < L; l++) {
    WT[l][0] = bump((uintptr_t)packed_len(3 * H, H) * 4), WT[l][1] = bump((uintptr_t)packed_len(H, H) * 4);
    WT[l][2] = bump((uintptr_t)packed_len(I, H) * 4), WT[l][3] = bump((uintptr_t)packed_len(H, I) * 4);
    if (!WT[l][0] || !WT[l][1] || !WT[l][2] || !WT[l][3]) return -2;
  }
  WT_POOL = T_POOL == 3 ? bump((uintptr_t)packed_len(H, H) * 4) : 0;
  if (T_POOL == 3 && !WT_POOL) return -2;
  train_mark = heap_top;
  t_rows = t_all = t_batch = t_seq = 0;
  return n;
}

EXPORT(bt_exchange)
float *bt_exchange(void) { return XCH; }

/*
 * Columns [col, col + n) of a Linear weight of `out` columns from src [in × n] (× scale): into its forward pack
 * (panels of NR over out) and its transposed pack (panels of NR over in); bias likewise.
 */
static void pack_part(const float *src, const float *bsrc, int in, int n, int out, int col, float scale, float *Wp, float *Bp,
                      float *Tp) {
  for (int k = 0; k < in; k++)
    for (int o = 0; o < n; o++) {
      const float v = src[k * n + o] * scale;
      const int c = col + o;
      Wp[((c / NR) * in + k) * NR + c % NR] = v;
      if (Tp) Tp[((k / NR) * out + c) * NR + k % NR] = v;
    }
  for (int o = 0; o < n; o++) Bp[col + o] = bsrc[o] * scale;
}

static void copy(float *dst, const float *src, int n) {
  for (int i = 0; i < n; i++) dst[i] = src[i];
}

/* Parameters in XCH → the kernel's weights (forward packs, transposed packs, head). */
EXPORT(bt_load)
void bt_load(void) {
  const float *x = XCH;
  if (T_EMB) {
    copy(W(W_POS, 0), x + off_emb[P_POS], MAXPOS * H), copy(W(W_TYPE, 0), x + off_emb[P_TYPE], TV * H);
    copy(W(W_EMB_LN_G, 0), x + off_emb[P_ELN_G], H), copy(W(W_EMB_LN_B, 0), x + off_emb[P_ELN_B], H);
  }
  for (int l = T_FROM; l < L; l++) {
    const int *o = off_layer[l];
    pack_part(x + o[L_WQ], x + o[L_BQ], H, H, 3 * H, 0, QSCALE, W(W_QKV, l), W(W_QKV_B, l), WT[l][0]);
    pack_part(x + o[L_WK], x + o[L_BK], H, H, 3 * H, H, 1.0f, W(W_QKV, l), W(W_QKV_B, l), WT[l][0]);
    pack_part(x + o[L_WV], x + o[L_BV], H, H, 3 * H, 2 * H, 1.0f, W(W_QKV, l), W(W_QKV_B, l), WT[l][0]);
    pack_part(x + o[L_WO], x + o[L_BO], H, H, H, 0, 1.0f, W(W_O, l), W(W_O_B, l), WT[l][1]);
    pack_part(x + o[L_WI], x + o[L_BI], H, I, I, 0, 1.0f, W(W_I, l), W(W_I_B, l), WT[l][2]);
    pack_part(x + o[L_WOUT], x + o[L_BOUT], I, H, H, 0, 1.0f, W(W_OUT, l), W(W_OUT_B, l), WT[l][3]);
    copy(W(W_LN1_G, l), x + o[L_LN1G], H), copy(W(W_LN1_B, l), x + o[L_LN1B], H);
    copy(W(W_LN2_G, l), x + o[L_LN2G], H), copy(W(W_LN2_B, l), x + o[L_LN2B], H);
  }
  if (T_POOL == 3) pack_part(x + off_pool[0], x + off_pool[1], H, H, H, 0, 1.0f, W(W_POOL_W, 0), W(W_POOL_B, 0), WT_POOL);
  const int head0 = HU > 0 ? off_head[0] : off_head[2];
  copy(HEADW, x + head0, N_PARAMS - head0);
}

/* ---------------------------------------------------------------- buffers */

static int reserve_train(int batch, int seq) {
  if (batch <= t_batch && seq <= t_seq && batch * seq <= t_all) return 1;
  if (batch < t_batch) batch = t_batch;
  if (seq < t_seq) seq = t_seq;
  const int all = batch * seq;
  const int rows = TRAIN_GROUP_ROWS + seq < all ? TRAIN_GROUP_ROWS + seq : all;
  heap_top = train_mark;
  int ok = 1;
#define A(ptr, n) ok = ok && ((ptr) = bump((uintptr_t)(n) * 4)) != 0
  A(IN, all * 3), A(ROW_POS, all), A(ROW_TYPE, all), A(ROW_ID, all), A(ROW_KEY, all), A(SEQ_START, batch + 1);
  A(LABELS, batch), A(EXW, batch);
  if (EXT_WORDS) A(WORDS, all * H);
  for (int l = T_FROM; l <= L; l++) {
    const int k = l == L ? MAX_LAYERS : l;
    Saved *s = &SV[k];
    A(s->xin, rows * HS), A(s->qkv, rows * QS), A(s->ctx, rows * HS), A(s->xh1, rows * HS), A(s->x1, rows * HS);
    A(s->pre, rows * IS), A(s->act, rows * IS), A(s->xh2, rows * HS), A(s->rs1, rows), A(s->rs2, rows);
  }
  A(FINAL, rows * HS), A(XHE, rows * HS), A(RSE, rows), A(TMP_T, rows * HS), A(D1, rows * HS), A(DT, rows * HS);
  A(DI, rows * IS), A(DCTX, rows * HS), A(DQKV, rows * QS), A(PROW, seq + 4), A(DPROW, seq + 4), A(MROW, seq + 4);
  A(CLSB, batch * HS), A(POOLV, batch * HS), A(POOLN, batch * HS), A(HZ, batch * HS), A(HA, batch * (HU + 4));
  A(HD, batch * (HU + 4)), A(LOGIT, batch * NC), A(DLOG, batch * NC), A(DHID, batch * (HU + 4)), A(DZ, batch * HS);
  A(DPOOL, batch * HS);
#undef A
  if (!ok) {
    t_rows = t_all = t_batch = t_seq = 0;
    return 0;
  }
  t_rows = rows, t_all = all, t_batch = batch, t_seq = seq;
  return 1;
}

/* [ids | token types | mask] (batch × seq int32 each), as bb_input. */
EXPORT(bt_input)
int32_t *bt_input(int batch, int seq) { return reserve_train(batch, seq) ? IN : 0; }
EXPORT(bt_labels)
int32_t *bt_labels(void) { return LABELS; }
EXPORT(bt_example_weights)
float *bt_example_weights(void) { return EXW; }


/* ---------------------------------------------------------------- forward and backward of one group */

static int site_of(int l, int k) { return 1 + 3 * l + k; } /* 0: embeddings; per layer: probs, attention out, FFN out */

/* Dropout on the rows [0, rows) of x (stride HS), each row's mask keyed by its example and position. */
static void dropout_rows(float *x, int rows, int base, int g0, int g1, int ex0, int site, float p) {
  if (p <= 0.0f) return;
  for (int b = g0; b < g1; b++)
    for (int r = SEQ_START[b]; r < SEQ_START[b + 1]; r++) dropout_row(x + (uintptr_t)(r - base) * HS, H, row_key(site, ex0 + b, ROW_POS[r], 0), p);
  (void)rows;
}

/* Layer l on s->xin → out, saving into s; dropout when training. */
static void layer_fwd(int l, const Saved *s, float *out, int g0, int g1, int ex0, int train) {
  const int base = SEQ_START[g0], rows = SEQ_START[g1] - base;
  const float ph = train ? P_HID : 0.0f, pa = train ? P_ATT : 0.0f;
  gemm(s->xin, HS, W(W_QKV, l), W(W_QKV_B, l), s->qkv, QS, rows, 3 * H, H, ACT_NONE);
  for (int b = g0; b < g1; b++) attend_train(s->qkv, s->ctx, base, SEQ_START[b], SEQ_START[b + 1], ex0 + b, site_of(l, 0), pa);
  gemm(s->ctx, HS, W(W_O, l), W(W_O_B, l), TMP_T, HS, rows, H, H, ACT_NONE);
  dropout_rows(TMP_T, rows, base, g0, g1, ex0, site_of(l, 1), ph);
  ln_fwd(TMP_T, s->xin, rows, W(W_LN1_G, l), W(W_LN1_B, l), s->xh1, s->rs1, s->x1);
  gemm(s->x1, HS, W(W_I, l), W(W_I_B, l), s->pre, IS, rows, I, H, ACT_NONE);
  for (int r = 0; r < rows; r++)
    for (int j = 0; j < IS; j += 4) {
      const uintptr_t k = (uintptr_t)r * IS + j;
      wasm_v128_store(s->act + k, v_act(wasm_v128_load(s->pre + k), ACT));
    }
  gemm(s->act, IS, W(W_OUT, l), W(W_OUT_B, l), TMP_T, HS, rows, H, I, ACT_NONE);
  dropout_rows(TMP_T, rows, base, g0, g1, ex0, site_of(l, 2), ph);
  ln_fwd(TMP_T, s->x1, rows, W(W_LN2_G, l), W(W_LN2_B, l), s->xh2, s->rs2, out);
}

/* D1 = ∂L/∂(layer l output) → ∂L/∂(layer l input), in place; the layer's gradients into XCH. */
static void layer_bwd(int l, const Saved *s, int g0, int g1, int ex0) {
  const int base = SEQ_START[g0], rows = SEQ_START[g1] - base;
  const int *o = off_layer[l];
  float *G = XCH;
  ln_bwd(D1, s->xh2, s->rs2, rows, W(W_LN2_G, l), G + o[L_LN2G], G + o[L_LN2B]);
  for (uintptr_t k = 0; k < (uintptr_t)rows * HS; k += 4) wasm_v128_store(DT + k, wasm_v128_load(D1 + k));
  dropout_rows(DT, rows, base, g0, g1, ex0, site_of(l, 2), P_HID);
  wgrad(s->act, IS, DT, HS, rows, I, H, G + o[L_WOUT], H, 1.0f);
  bgrad(DT, HS, rows, H, G + o[L_BOUT], 1.0f);
  gemm(DT, HS, WT[l][3], ZERO, DI, IS, rows, I, H, ACT_NONE);
  act_bwd(DI, s->pre, rows, I, IS, ACT);
  wgrad(s->x1, HS, DI, IS, rows, H, I, G + o[L_WI], I, 1.0f);
  bgrad(DI, IS, rows, I, G + o[L_BI], 1.0f);
  gemm_into(DI, IS, WT[l][2], ZERO, D1, HS, rows, H, I, ACT_NONE, 1);
  ln_bwd(D1, s->xh1, s->rs1, rows, W(W_LN1_G, l), G + o[L_LN1G], G + o[L_LN1B]);
  for (uintptr_t k = 0; k < (uintptr_t)rows * HS; k += 4) wasm_v128_store(DT + k, wasm_v128_load(D1 + k));
  dropout_rows(DT, rows, base, g0, g1, ex0, site_of(l, 1), P_HID);
  wgrad(s->ctx, HS, DT, HS, rows, H, H, G + o[L_WO], H, 1.0f);
  bgrad(DT, HS, rows, H, G + o[L_BO], 1.0f);
  gemm(DT, HS, WT[l][1], ZERO, DCTX, HS, rows, H, H, ACT_NONE);
  for (uintptr_t k = 0; k < (uintptr_t)rows * QS; k += 4) wasm_v128_store(DQKV + k, wasm_f32x4_splat(0.0f));
  for (int b = g0; b < g1; b++) attend_bwd(s->qkv, DCTX, DQKV, base, SEQ_START[b], SEQ_START[b + 1], ex0 + b, site_of(l, 0), P_ATT);
  const int wq[3] = {L_WQ, L_WK, L_WV}, bq[3] = {L_BQ, L_BK, L_BV};
  for (int t = 0; t < 3; t++) {
    const float sc = t == 0 ? QSCALE : 1.0f; /* the query columns were scaled by QSCALE in the forward */
    wgrad(s->xin, HS, DQKV + t * H, QS, rows, H, H, G + o[wq[t]], H, sc);
    bgrad(DQKV + t * H, QS, rows, H, G + o[bq[t]], sc);
  }
  gemm_into(DQKV, QS, WT[l][0], ZERO, D1, HS, rows, H, 3 * H, ACT_NONE, 1);
}

/* ---------------------------------------------------------------- head */

/* ln(x) for x > 0 (no libc): x = m·2^e with m in [√½, √2), ln m = 2·atanh((m − 1)/(m + 1)) by its series. */
static double ln(double x) {
  union { double d; uint64_t u; } v = {x};
  int e = (int)((v.u >> 52) & 0x7ff) - 1023;
  v.u = (v.u & 0x000fffffffffffffull) | 0x3ff0000000000000ull;
  if (v.d > 1.41421356237309505) v.d *= 0.5, e++;
  const double s = (v.d - 1.0) / (v.d + 1.0), s2 = s * s;
  double t = s, sum = 0.0;
  for (int k = 1; k < 40; k += 2, t *= s2) sum += t / k;
  return 2.0 * sum + e * 0.69314718055994531;
}

/* e^x (no libc): 2^n · e^r with r = x − n·ln2, |r| ≤ ln2/2, by its series. */
static double dexp(double x) {
  if (x < -700.0) return 0.0;
  const double n = __builtin_floor(x * 1.44269504088896341 + 0.5), r = x - n * 0.69314718055994531;
  double t = 1.0, sum = 1.0;
  for (int k = 1; k < 20; k++) t *= r / k, sum += t;
  union { double d; uint64_t u; } v = {sum};
  v.u += (uint64_t)(int64_t)n << 52;
  return v.d;
}

/* y[out] = x[in]·Wᵀ… for one example: y = x·W + b with W [in × out] row-major. */
static void dense_row(const float *x, const float *w, const float *b, float *y, int in, int out) {
  for (int o = 0; o < out; o++) y[o] = b[o];
  for (int k = 0; k < in; k++) {
    const float xk = x[k];
    if (xk != 0.0f)
      for (int o = 0; o < out; o++) y[o] += xk * w[k * out + o];
  }
}

/* dx = dy·Wᵀ, dW += x ⊗ dy, db += dy for one example. */
static void dense_row_bwd(const float *x, const float *w, const float *dy, float *dx, float *dw, float *db, int in, int out) {
  for (int o = 0; o < out; o++) db[o] += dy[o];
  for (int k = 0; k < in; k++) {
    float s = 0.0f;
    for (int o = 0; o < out; o++) s += dy[o] * w[k * out + o], dw[k * out + o] += x[k] * dy[o];
    if (dx) dx[k] = s;
  }
}

/* Head forward, loss and (training) backward of example b from its pooled vector POOLV[b] → DPOOL[b]. */
static void head_example(int b, int ex, int train) {
  const float *hw1 = HEADW, *hb1 = hw1 + H * HU, *hw2 = HU > 0 ? hb1 + HU : HEADW, *hb2 = hw2 + HIN * NC;
  const float ph = train ? P_HEAD : 0.0f;
  float *pv = POOLV + (uintptr_t)b * HS, *pn = POOLN + (uintptr_t)b * HS, *z = HZ + (uintptr_t)b * HS;
  float norm = 1.0f;
  if (T_NORM) {
    float q = 0.0f;
    for (int j = 0; j < H; j++) q += pv[j] * pv[j];
    norm = __builtin_sqrtf(q);
    if (norm < 1e-12f) norm = 1e-12f;
  }
  for (int j = 0; j < H; j++) pn[j] = T_NORM ? pv[j] / norm : pv[j], z[j] = pn[j];
  dropout_row(z, H, row_key(SITE_HEAD, ex, 0, 0), ph);
  float *ha = HA + (uintptr_t)b * (HU + 4), *hd = HD + (uintptr_t)b * (HU + 4), *lg = LOGIT + (uintptr_t)b * NC;
  if (HU > 0) {
    dense_row(z, hw1, hb1, ha, H, HU);
    for (int u = 0; u < HU; u++) hd[u] = ha[u] > 0.0f ? ha[u] : 0.0f;
    if (ph > 0.0f)
      for (int u = 0; u < HU; u++) hd[u] *= keep_scale(row_key(SITE_HEAD + 1, ex, 0, 0), u, ph);
  }
  dense_row(HU > 0 ? hd : z, hw2, hb2, lg, HIN, NC);
  const int y = LABELS[b];
  const float w = EXW[b];
  int arg = 0;
  for (int c = 1; c < NC; c++)
    if (lg[c] > lg[arg]) arg = c;
  double se = 0.0;
  for (int c = 0; c < NC; c++) se += dexp((double)lg[c] - lg[arg]);
  RESULT[0] += w * (ln(se) + lg[arg] - lg[y]);
  RESULT[1] += w, RESULT[2] += arg == y;
  if (!train) return;
  float *dl = DLOG + (uintptr_t)b * NC, *dh = DHID + (uintptr_t)b * (HU + 4), *dz = DZ + (uintptr_t)b * HS;
  for (int c = 0; c < NC; c++) dl[c] = w * (float)(dexp((double)lg[c] - lg[arg]) / se - (c == y));
  float *G = XCH;
  if (HU > 0) {
    dense_row_bwd(hd, hw2, dl, dh, G + off_head[2], G + off_head[3], HU, NC);
    for (int u = 0; u < HU; u++) {
      const float m = ph > 0.0f ? keep_scale(row_key(SITE_HEAD + 1, ex, 0, 0), u, ph) : 1.0f;
      dh[u] = ha[u] > 0.0f ? dh[u] * m : 0.0f;
    }
    dense_row_bwd(z, hw1, dh, dz, G + off_head[0], G + off_head[1], H, HU);
  } else {
    dense_row_bwd(z, hw2, dl, dz, G + off_head[2], G + off_head[3], H, NC);
  }
  dropout_row(dz, H, row_key(SITE_HEAD, ex, 0, 0), ph);
  float *dp = DPOOL + (uintptr_t)b * HS;
  if (T_NORM) { /* y = x/‖x‖: dx = (dy − y·(y·dy))/‖x‖ */
    float yd = 0.0f;
    for (int j = 0; j < H; j++) yd += pn[j] * dz[j];
    for (int j = 0; j < H; j++) dp[j] = (dz[j] - pn[j] * yd) / norm;
  } else {
    for (int j = 0; j < H; j++) dp[j] = dz[j];
  }
}

/* ---------------------------------------------------------------- one step */

/* Pooled vectors POOLV[b] of sequences [g0, g1) from the top layer's output (rows of the group). */
static void pool_fwd(const float *top, int g0, int g1) {
  const int base = SEQ_START[g0];
  for (int b = g0; b < g1; b++) {
    float *out = (T_POOL == 3 ? CLSB : POOLV) + (uintptr_t)b * HS;
    const int r0 = SEQ_START[b], r1 = SEQ_START[b + 1];
    for (int j = 0; j < HS; j++) out[j] = 0.0f;
    if (T_POOL == 1) {
      int n = 0;
      for (int r = r0; r < r1; r++) {
        if (!ROW_KEY[r]) continue;
        n++;
        for (int j = 0; j < H; j++) out[j] += top[(uintptr_t)(r - base) * HS + j];
      }
      const float inv = n > 0 ? 1.0f / (float)n : 0.0f;
      for (int j = 0; j < H; j++) out[j] *= inv;
    } else {
      for (int j = 0; j < H; j++) out[j] = top[(uintptr_t)(r0 - base) * HS + j];
    }
  }
  if (T_POOL == 3)
    gemm(CLSB + (uintptr_t)g0 * HS, HS, W(W_POOL_W, 0), W(W_POOL_B, 0), POOLV + (uintptr_t)g0 * HS, HS, g1 - g0, H, H, ACT_TANH);
}

/* D1 (rows of the group) = ∂L/∂(top layer output) from DPOOL; the pooler's gradients into XCH. */
static void pool_bwd(int g0, int g1) {
  const int base = SEQ_START[g0], nb = g1 - g0;
  for (uintptr_t k = 0; k < (uintptr_t)(SEQ_START[g1] - base) * HS; k++) D1[k] = 0.0f;
  float *dp = DPOOL + (uintptr_t)g0 * HS;
  if (T_POOL == 3) { /* pooled = tanh(cls·W + b): d(pre) = d·(1 − pooled²) */
    for (int b = g0; b < g1; b++)
      for (int j = 0; j < H; j++) {
        const float y = POOLV[(uintptr_t)b * HS + j];
        DPOOL[(uintptr_t)b * HS + j] *= 1.0f - y * y;
      }
    wgrad(CLSB + (uintptr_t)g0 * HS, HS, dp, HS, nb, H, H, XCH + off_pool[0], H, 1.0f);
    bgrad(dp, HS, nb, H, XCH + off_pool[1], 1.0f);
    gemm(dp, HS, WT_POOL, ZERO, DZ + (uintptr_t)g0 * HS, HS, nb, H, H, ACT_NONE);
    dp = DZ + (uintptr_t)g0 * HS;
  }
  for (int b = g0; b < g1; b++) {
    const float *d = dp + (uintptr_t)(b - g0) * HS;
    const int r0 = SEQ_START[b], r1 = SEQ_START[b + 1];
    if (T_POOL == 1) {
      int n = 0;
      for (int r = r0; r < r1; r++) n += ROW_KEY[r] != 0;
      const float inv = n > 0 ? 1.0f / (float)n : 0.0f;
      for (int r = r0; r < r1; r++)
        if (ROW_KEY[r])
          for (int j = 0; j < H; j++) D1[(uintptr_t)(r - base) * HS + j] = d[j] * inv;
    } else {
      for (int j = 0; j < H; j++) D1[(uintptr_t)(r0 - base) * HS + j] = d[j];
    }
  }
}

/* Forward (and, training, backward) of the sequences [g0, g1); ex0 = the shard's first example in the batch. */
static void run_group(int g0, int g1, int ex0, int train) {
  const int base = SEQ_START[g0], rows = SEQ_START[g1] - base;
  const float ph = train ? P_HID : 0.0f;
  Saved *scratch = &SV[MAX_LAYERS];
  float *x = T_FROM == 0 ? SV[0].xin : scratch->xin;
  embed_rows(base, rows, TMP_T, HS);
  ln_fwd(TMP_T, 0, rows, W(W_EMB_LN_G, 0), W(W_EMB_LN_B, 0), XHE, RSE, x);
  dropout_rows(x, rows, base, g0, g1, ex0, 0, ph);
  for (int l = 0; l < L; l++) {
    const Saved *s = l >= T_FROM && train ? &SV[l] : scratch;
    if (s->xin != x)
      for (uintptr_t k = 0; k < (uintptr_t)rows * HS; k += 4) wasm_v128_store(s->xin + k, wasm_v128_load(x + k));
    float *out = l == L - 1 ? FINAL : (l + 1 >= T_FROM && train ? SV[l + 1].xin : scratch->xin);
    if (out == s->xin) out = FINAL; /* a frozen layer writes a scratch input it reads: go through FINAL */
    layer_fwd(l, s, out, g0, g1, ex0, train);
    x = out;
  }
  pool_fwd(x, g0, g1);
  for (int b = g0; b < g1; b++) head_example(b, ex0 + b, train);
  if (!train) return;
  pool_bwd(g0, g1);
  for (int l = L - 1; l >= T_FROM; l--) layer_bwd(l, &SV[l], g0, g1, ex0);
  if (!T_EMB) return;
  dropout_rows(D1, rows, base, g0, g1, ex0, 0, P_HID);
  ln_bwd(D1, XHE, RSE, rows, W(W_EMB_LN_G, 0), XCH + off_emb[P_ELN_G], XCH + off_emb[P_ELN_B]);
  for (int r = 0; r < rows; r++) {
    float *gp = XCH + off_emb[P_POS] + (uintptr_t)ROW_POS[base + r] * H, *gt = XCH + off_emb[P_TYPE] + (uintptr_t)ROW_TYPE[base + r] * H;
    const float *d = D1 + (uintptr_t)r * HS;
    for (int j = 0; j < H; j++) gp[j] += d[j], gt[j] += d[j];
  }
}

/*
 * One step on the batch in bt_input (+ bt_labels, bt_example_weights; the word rows in bb_words when the table is
 * external): train = 1 applies dropout (seeded by `seed`, keyed by example ex0 + b, so a shard's masks do not depend
 * on how the batch was split) and leaves the gradient of Σ w·CE in the exchange buffer; train = 0 only evaluates.
 * Returns [Σ w·CE, Σ w, correct], or 0 when the batch is invalid or memory ran out.
 */
EXPORT(bt_step)
double *bt_step(int batch, int seq, uint32_t seed, int ex0, int train) {
  if (!reserve_train(batch, seq) || !build_rows(batch, seq, 0)) return 0;
  for (int b = 0; b < batch; b++)
    if (LABELS[b] < 0 || LABELS[b] >= NC) return 0;
  SEED = seed;
  RESULT[0] = RESULT[1] = RESULT[2] = 0.0;
  if (train)
    for (int k = 0; k < N_PARAMS; k++) XCH[k] = 0.0f;
  for (int g0 = 0; g0 < batch;) {
    int g1 = g0 + 1;
    while (g1 < batch && SEQ_START[g1 + 1] - SEQ_START[g0] <= TRAIN_GROUP_ROWS) g1++;
    run_group(g0, g1, ex0, train);
    g0 = g1;
  }
  return RESULT;
}

/* ---------------------------------------------------------------- peak */

/*
 * The multiply-add peak of this build on one thread, for the bench's "share of peak": `iters` rounds of 16
 * independent 4-lane multiply-adds (MADD: one relaxed FMA, or a multiply and an add) — 128 flops a round.
 */
EXPORT(bb_peak)
float bb_peak(int iters, float x) {
  v128_t acc[16];
  const v128_t a = wasm_f32x4_splat(x), b = wasm_f32x4_splat(1.0f - x);
  for (int i = 0; i < 16; i++) acc[i] = wasm_f32x4_splat((float)i);
  for (int it = 0; it < iters; it++)
#pragma clang loop unroll(full)
    for (int i = 0; i < 16; i++) acc[i] = MADD(acc[i], a, b);
  v128_t s = acc[0];
  for (int i = 1; i < 16; i++) s = wasm_f32x4_add(s, acc[i]);
  return hsum(s);
}
