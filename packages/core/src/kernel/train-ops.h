/*
 * The training's building blocks (part of train.c's translation unit, after its state): dropout masks from a
 * counter-based hash, LayerNorm forward with saves and its backward, activation derivatives, the weight-gradient
 * product, and attention forward with dropout and its backward.
 */

/* ---------------------------------------------------------------- dropout (counter-based hash: any shard, same mask) */

static uint32_t mix32(uint32_t h) {
  h ^= h >> 16, h *= 0x7feb352du, h ^= h >> 15, h *= 0x846ca68bu, h ^= h >> 16;
  return h;
}
static v128_t v_mix32(v128_t h) {
  h = wasm_v128_xor(h, wasm_u32x4_shr(h, 16)), h = wasm_i32x4_mul(h, wasm_i32x4_splat(0x7feb352d));
  h = wasm_v128_xor(h, wasm_u32x4_shr(h, 15)), h = wasm_i32x4_mul(h, wasm_i32x4_splat((int32_t)0x846ca68bu));
  return wasm_v128_xor(h, wasm_u32x4_shr(h, 16));
}
/* The key of one row of one dropout site (example, position / head …). */
static uint32_t row_key(int site, int ex, int a, int b) {
  return mix32(SEED ^ mix32((uint32_t)site * 0x9e3779b9u ^ mix32((uint32_t)ex * 0x85ebca6bu ^ mix32((uint32_t)a * 0xc2b2ae35u + (uint32_t)b))));
}
static uint32_t threshold(float p) { return p <= 0.0f ? 0u : (uint32_t)((double)p * 4294967296.0); }
/* x[j] = keep ? x[j]/(1−p) : 0 for j < n (n % 4 == 0), the mask of element j from mix32(key + j·φ). */
static void dropout_row(float *x, int n, uint32_t key, float p) {
  if (p <= 0.0f) return;
  const v128_t thr = wasm_i32x4_splat((int32_t)threshold(p)), sc = wasm_f32x4_splat(1.0f / (1.0f - p));
  const v128_t step = wasm_i32x4_splat((int32_t)(4u * 0x9e3779b9u));
  v128_t ctr = wasm_i32x4_add(wasm_i32x4_splat((int32_t)key), wasm_i32x4_mul(wasm_i32x4_make(0, 1, 2, 3), wasm_i32x4_splat((int32_t)0x9e3779b9u)));
  for (int j = 0; j < n; j += 4, ctr = wasm_i32x4_add(ctr, step)) {
    const v128_t keep = wasm_u32x4_ge(v_mix32(ctr), thr);
    wasm_v128_store(x + j, wasm_v128_and(wasm_f32x4_mul(wasm_v128_load(x + j), sc), keep));
  }
}
static float keep_scale(uint32_t key, int j, float p) {
  return mix32(key + (uint32_t)j * 0x9e3779b9u) >= threshold(p) ? 1.0f / (1.0f - p) : 0.0f;
}

/* ---------------------------------------------------------------- LayerNorm */

/* out = LN(a + res) per row (res may be 0), saving x̂ and 1/σ (rows of stride HS). */
static void ln_fwd(const float *a, const float *res, int rows, const float *g, const float *b, float *xh, float *rs, float *out) {
  const float invH = 1.0f / (float)H;
  for (int r = 0; r < rows; r++) {
    const float *ar = a + (uintptr_t)r * HS, *rr = res ? res + (uintptr_t)r * HS : 0;
    float *xr = xh + (uintptr_t)r * HS, *orow = out + (uintptr_t)r * HS;
    v128_t s = wasm_f32x4_splat(0.0f);
    for (int j = 0; j < H; j += 4) {
      v128_t v = wasm_v128_load(ar + j);
      if (rr) v = wasm_f32x4_add(v, wasm_v128_load(rr + j));
      wasm_v128_store(xr + j, v);
      s = wasm_f32x4_add(s, v);
    }
    const v128_t mean = wasm_f32x4_splat(hsum(s) * invH);
    v128_t q = wasm_f32x4_splat(0.0f);
    for (int j = 0; j < H; j += 4) {
      const v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + j), mean);
      q = wasm_f32x4_add(q, wasm_f32x4_mul(d, d));
    }
    const float inv = 1.0f / __builtin_sqrtf(hsum(q) * invH + EPS);
    rs[r] = inv;
    const v128_t vinv = wasm_f32x4_splat(inv);
    for (int j = 0; j < H; j += 4) {
      const v128_t d = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + j), mean), vinv);
      wasm_v128_store(xr + j, d);
      wasm_v128_store(orow + j, wasm_f32x4_add(wasm_f32x4_mul(d, wasm_v128_load(g + j)), wasm_v128_load(b + j)));
    }
  }
}

/* d ← ∂L/∂(LN input) from d = ∂L/∂(LN output), in place; dg += Σ d·x̂, db += Σ d. */
static void ln_bwd(float *d, const float *xh, const float *rs, int rows, const float *g, float *dg, float *db) {
  const float invH = 1.0f / (float)H;
  for (int r = 0; r < rows; r++) {
    float *dr = d + (uintptr_t)r * HS;
    const float *xr = xh + (uintptr_t)r * HS;
    v128_t s1 = wasm_f32x4_splat(0.0f), s2 = s1;
    for (int j = 0; j < H; j += 4) {
      const v128_t dy = wasm_v128_load(dr + j), x = wasm_v128_load(xr + j), dx = wasm_f32x4_mul(dy, wasm_v128_load(g + j));
      wasm_v128_store(dg + j, MADD(dy, x, wasm_v128_load(dg + j)));
      wasm_v128_store(db + j, wasm_f32x4_add(wasm_v128_load(db + j), dy));
      s1 = wasm_f32x4_add(s1, dx), s2 = MADD(dx, x, s2);
      wasm_v128_store(dr + j, dx);
    }
    const v128_t m1 = wasm_f32x4_splat(hsum(s1) * invH), m2 = wasm_f32x4_splat(hsum(s2) * invH), inv = wasm_f32x4_splat(rs[r]);
    for (int j = 0; j < H; j += 4) {
      const v128_t t = wasm_f32x4_sub(wasm_f32x4_sub(wasm_v128_load(dr + j), m1), wasm_f32x4_mul(wasm_v128_load(xr + j), m2));
      wasm_v128_store(dr + j, wasm_f32x4_mul(t, inv));
    }
  }
}

/* ---------------------------------------------------------------- activations */

/* d ← d · act'(pre), rows × n (n % 4 == 0, row stride ld). */
static void act_bwd(float *d, const float *pre, int rows, int n, int ld, int act) {
  const v128_t half = wasm_f32x4_splat(0.5f), one = wasm_f32x4_splat(1.0f);
  for (int r = 0; r < rows; r++) {
    float *dr = d + (uintptr_t)r * ld;
    const float *pr = pre + (uintptr_t)r * ld;
    for (int j = 0; j < n; j += 4) {
      const v128_t x = wasm_v128_load(pr + j);
      v128_t dd;
      if (act == ACT_GELU) { /* ½(1 + erf(x/√2)) + x·φ(x) */
        const v128_t cdf = wasm_f32x4_mul(half, wasm_f32x4_add(one, v_erf(wasm_f32x4_mul(x, wasm_f32x4_splat(0.70710678118654752f)))));
        const v128_t pdf = wasm_f32x4_mul(v_exp(wasm_f32x4_mul(wasm_f32x4_mul(x, x), wasm_f32x4_splat(-0.5f))),
                                          wasm_f32x4_splat(0.39894228040143268f));
        dd = MADD(x, pdf, cdf);
      } else if (act == ACT_GELU_TANH) { /* ½(1 + t) + ½x(1 − t²)·c(1 + 3·0.044715·x²) */
        const v128_t x2 = wasm_f32x4_mul(x, x), c = wasm_f32x4_splat(0.79788456080286536f);
        const v128_t t = v_tanh(wasm_f32x4_mul(wasm_f32x4_mul(x, MADD(x2, wasm_f32x4_splat(0.044715f), one)), c));
        const v128_t du = wasm_f32x4_mul(c, MADD(x2, wasm_f32x4_splat(3.0f * 0.044715f), one));
        dd = MADD(wasm_f32x4_mul(wasm_f32x4_mul(half, x), wasm_f32x4_sub(one, wasm_f32x4_mul(t, t))), du,
                  wasm_f32x4_mul(half, wasm_f32x4_add(one, t)));
      } else { /* relu: 1 where x > 0 */
        dd = wasm_v128_and(one, wasm_f32x4_gt(x, wasm_f32x4_splat(0.0f)));
      }
      wasm_v128_store(dr + j, wasm_f32x4_mul(wasm_v128_load(dr + j), dd));
    }
  }
}

/* ---------------------------------------------------------------- products */

#define WG_ROWS 64 /* rows per chunk of the weight-gradient product (its slices of X and D stay in cache) */

/*
 * G[k·ldg + o] += scale · Σ_r X[r·ldx + k] · D[r·ldd + o] for k < K, o < N (K, N multiples of 4; D's rows readable
 * up to the next multiple of 8 columns): the gradient of a Linear weight, [in × out] as the TF.js variable.
 */
__attribute__((noinline)) static void wgrad(const float *X, int ldx, const float *D, int ldd, int rows, int K, int N, float *G,
                                            int ldg, float scale) {
  const v128_t sc = wasm_f32x4_splat(scale);
  for (int r0 = 0; r0 < rows; r0 += WG_ROWS) {
    const int r1 = r0 + WG_ROWS < rows ? r0 + WG_ROWS : rows;
    for (int o = 0; o < N; o += NR) {
      const int two = o + NR <= N;
      for (int k = 0; k < K; k += 4) {
        v128_t c[4][2];
#pragma clang loop unroll(full)
        for (int i = 0; i < 4; i++) c[i][0] = c[i][1] = wasm_f32x4_splat(0.0f);
        const float *x = X + (uintptr_t)r0 * ldx + k, *d = D + (uintptr_t)r0 * ldd + o;
        for (int r = r0; r < r1; r++, x += ldx, d += ldd) {
          const v128_t b0 = wasm_v128_load(d), b1 = wasm_v128_load(d + 4);
#pragma clang loop unroll(full)
          for (int i = 0; i < 4; i++) {
            const v128_t a = wasm_v128_load32_splat(x + i);
            c[i][0] = MADD(a, b0, c[i][0]);
            c[i][1] = MADD(a, b1, c[i][1]);
          }
        }
#pragma clang loop unroll(full)
        for (int i = 0; i < 4; i++) {
          float *g = G + (uintptr_t)(k + i) * ldg + o;
          wasm_v128_store(g, MADD(c[i][0], sc, wasm_v128_load(g)));
          if (two) wasm_v128_store(g + 4, MADD(c[i][1], sc, wasm_v128_load(g + 4)));
        }
      }
    }
  }
}

/* G[o] += scale · Σ_r D[r·ldd + o], o < N (N % 4 == 0): a bias gradient. */
static void bgrad(const float *D, int ldd, int rows, int N, float *G, float scale) {
  for (int o = 0; o < N; o += 4) {
    v128_t s = wasm_f32x4_splat(0.0f);
    for (int r = 0; r < rows; r++) s = wasm_f32x4_add(s, wasm_v128_load(D + (uintptr_t)r * ldd + o));
    wasm_v128_store(G + o, MADD(s, wasm_f32x4_splat(scale), wasm_v128_load(G + o)));
  }
}

/* ---------------------------------------------------------------- attention */

/*
 * Row i of head h's attention probabilities over the rows [r0, r1) of one sequence (PROW, 0 for non-key rows; all
 * rows uniformly when the sequence has no key row), and the dropout scale of each (MROW) for example ex.
 */
static void probs_row(const float *qkv, int base, int r0, int r1, int i, int h, int keys, int ex, int site, float p) {
  const int n = r1 - r0;
  const float *q = qkv + (uintptr_t)(i - base) * QS + h * DH;
  float mx = -3.0e38f;
  for (int j = r0; j < r1; j++) {
    float s = 0.0f;
    if (keys == 0 || ROW_KEY[j]) {
      if (keys != 0) {
        const float *k = qkv + (uintptr_t)(j - base) * QS + H + h * DH;
        v128_t acc = wasm_f32x4_splat(0.0f);
        for (int d = 0; d < DH; d += 4) acc = MADD(wasm_v128_load(q + d), wasm_v128_load(k + d), acc);
        s = hsum(acc);
      }
      if (s > mx) mx = s;
    }
    PROW[j - r0] = s;
  }
  const v128_t vmx = wasm_f32x4_splat(keys == 0 ? 0.0f : mx);
  int j = 0;
  for (; j + 4 <= n; j += 4) wasm_v128_store(PROW + j, v_exp(wasm_f32x4_sub(wasm_v128_load(PROW + j), vmx)));
  for (; j < n; j++) PROW[j] = wasm_f32x4_extract_lane(v_exp(wasm_f32x4_splat(PROW[j] - (keys == 0 ? 0.0f : mx))), 0);
  float sum = 0.0f;
  for (j = 0; j < n; j++) {
    if (keys != 0 && !ROW_KEY[r0 + j]) PROW[j] = 0.0f;
    sum += PROW[j];
  }
  const float inv = 1.0f / sum;
  const uint32_t key = p > 0.0f ? row_key(site, ex, h, ROW_POS[i]) : 0;
  for (j = 0; j < n; j++) {
    PROW[j] *= inv;
    MROW[j] = p > 0.0f ? keep_scale(key, ROW_POS[r0 + j], p) : 1.0f;
  }
}

static int key_rows(int r0, int r1) {
  int keys = 0;
  for (int r = r0; r < r1; r++) keys += ROW_KEY[r];
  return keys;
}

/* ctx rows of one sequence (example ex) = dropout(softmax(q·k)) · v, per head. */
static void attend_train(const float *qkv, float *ctx, int base, int r0, int r1, int ex, int site, float p) {
  const int keys = key_rows(r0, r1), n = r1 - r0;
  for (int h = 0; h < NH; h++)
    for (int i = r0; i < r1; i++) {
      probs_row(qkv, base, r0, r1, i, h, keys, ex, site, p);
      float *out = ctx + (uintptr_t)(i - base) * HS + h * DH;
      for (int d = 0; d < DH; d += 4) wasm_v128_store(out + d, wasm_f32x4_splat(0.0f));
      for (int j = 0; j < n; j++) {
        const float w = PROW[j] * MROW[j];
        if (w == 0.0f) continue;
        const v128_t vw = wasm_f32x4_splat(w);
        const float *v = qkv + (uintptr_t)(r0 + j - base) * QS + 2 * H + h * DH;
        for (int d = 0; d < DH; d += 4) wasm_v128_store(out + d, MADD(vw, wasm_v128_load(v + d), wasm_v128_load(out + d)));
      }
    }
}

/* dqkv (zeroed by the caller) += the gradient of attend_train's output dctx w.r.t. q, k and v. */
static void attend_bwd(const float *qkv, const float *dctx, float *dqkv, int base, int r0, int r1, int ex, int site, float p) {
  const int keys = key_rows(r0, r1), n = r1 - r0;
  for (int h = 0; h < NH; h++)
    for (int i = r0; i < r1; i++) {
      probs_row(qkv, base, r0, r1, i, h, keys, ex, site, p);
      const float *dc = dctx + (uintptr_t)(i - base) * HS + h * DH;
      float c = 0.0f;
      for (int j = 0; j < n; j++) {
        if (PROW[j] == 0.0f) {
          DPROW[j] = 0.0f;
          continue;
        }
        const float *v = qkv + (uintptr_t)(r0 + j - base) * QS + 2 * H + h * DH;
        float *dv = dqkv + (uintptr_t)(r0 + j - base) * QS + 2 * H + h * DH;
        const v128_t w = wasm_f32x4_splat(PROW[j] * MROW[j]);
        v128_t acc = wasm_f32x4_splat(0.0f);
        for (int d = 0; d < DH; d += 4) {
          const v128_t g = wasm_v128_load(dc + d);
          acc = MADD(g, wasm_v128_load(v + d), acc);
          wasm_v128_store(dv + d, MADD(w, g, wasm_v128_load(dv + d)));
        }
        DPROW[j] = hsum(acc) * MROW[j];
        c += PROW[j] * DPROW[j];
      }
      if (keys == 0) continue; /* uniform attention: the scores are constants */
      const float *q = qkv + (uintptr_t)(i - base) * QS + h * DH;
      float *dq = dqkv + (uintptr_t)(i - base) * QS + h * DH;
      for (int j = 0; j < n; j++) {
        const float ds = PROW[j] * (DPROW[j] - c);
        if (ds == 0.0f) continue;
        const v128_t vds = wasm_f32x4_splat(ds);
        const float *k = qkv + (uintptr_t)(r0 + j - base) * QS + H + h * DH;
        float *dk = dqkv + (uintptr_t)(r0 + j - base) * QS + H + h * DH;
        for (int d = 0; d < DH; d += 4) {
          wasm_v128_store(dq + d, MADD(vds, wasm_v128_load(k + d), wasm_v128_load(dq + d)));
          wasm_v128_store(dk + d, MADD(vds, wasm_v128_load(q + d), wasm_v128_load(dk + d)));
        }
      }
    }
}
