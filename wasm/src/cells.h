/*
 * The per-step gate arithmetic of each cell, for one batch row and the units [u0, u1) a thread
 * owns, written once for a vector of W lanes (W = 4 in the body, W = 1 for the tail; the tail
 * runs the very same formulas on lane 0). Gate order and formulas: src/engine/fused/kernels.ts.
 */
#ifndef RNN_CELLS_H
#define RNN_CELLS_H

#include "mathf.h"

INLINE v128_t ld(const float *p, const int W) {
  return W == 4 ? wasm_v128_load(p) : wasm_v128_load32_zero(p);
}

INLINE void st(float *p, v128_t v, const int W) {
  if (W == 4)
    wasm_v128_store(p, v);
  else
    wasm_v128_store32_lane(p, v, 0);
}

#define ONE wasm_f32x4_splat(1.0f)
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul

/* σ'(a) from σ(a), tanh'(a) from tanh(a). */
INLINE v128_t dsigmoid(v128_t s) { return MUL(s, SUB(ONE, s)); }
INLINE v128_t dtanh(v128_t t) { return SUB(ONE, MUL(t, t)); }

/*
 * Pointers for one batch row: `g` the row of gates `[G·H]` (input projection in, activations
 * out), `s` the row of the recurrent product h_prev·U for the same gates (`[G·H]`, GRU's
 * candidate `[H]` apart), `b` the bias.
 */
typedef struct {
  float *g;
  const float *s;
  const float *b;
  int H;
} GateRow;

/* h = act(x·W + h·U + b). */
INLINE void rnn_forward_at(const int W, int relu, GateRow r, int u, float *y) {
  v128_t a = ADD(ADD(ld(r.g + u, W), ld(r.s + u, W)), ld(r.b + u, W));
  v128_t h = relu ? wasm_f32x4_pmax(a, wasm_f32x4_splat(0.0f)) : v_tanh(a);
  st(y + u, h, W);
}

/* ∂a = ∂h ⊙ act'(a) with act' from h: 1 − h² (tanh) or [h > 0] (relu). */
INLINE void rnn_backward_at(const int W, int relu, int u, const float *dy, float *dh,
                            const float *y, float *da) {
  v128_t dht = ADD(ld(dy + u, W), ld(dh + u, W));
  v128_t h = ld(y + u, W);
  v128_t d = relu ? wasm_v128_and(dht, wasm_f32x4_gt(h, wasm_f32x4_splat(0.0f)))
                  : MUL(dht, dtanh(h));
  st(da + u, d, W);
}

/* i, f, c̃, o; c = f⊙c_prev + i⊙c̃; h = o⊙tanh(c). Activations overwrite the projections. */
INLINE void lstm_forward_at(const int W, GateRow r, int u, const float *cprev, float *c,
                            float *y) {
  int H = r.H;
  v128_t i = v_sigmoid(ADD(ADD(ld(r.g + u, W), ld(r.s + u, W)), ld(r.b + u, W)));
  v128_t f =
      v_sigmoid(ADD(ADD(ld(r.g + H + u, W), ld(r.s + H + u, W)), ld(r.b + H + u, W)));
  v128_t cc = v_tanh(
      ADD(ADD(ld(r.g + 2 * H + u, W), ld(r.s + 2 * H + u, W)), ld(r.b + 2 * H + u, W)));
  v128_t o = v_sigmoid(
      ADD(ADD(ld(r.g + 3 * H + u, W), ld(r.s + 3 * H + u, W)), ld(r.b + 3 * H + u, W)));
  v128_t cn = ADD(MUL(f, ld(cprev + u, W)), MUL(i, cc));
  st(r.g + u, i, W);
  st(r.g + H + u, f, W);
  st(r.g + 2 * H + u, cc, W);
  st(r.g + 3 * H + u, o, W);
  st(c + u, cn, W);
  st(y + u, MUL(o, v_tanh(cn)), W);
}

/*
 * Backward through one LSTM step: `dh` holds ∂h carried from the step after, `dc` ∂c likewise
 * (both replaced by their values for the step before, except dh, which the caller's GEMM
 * ∂A·Uᵀ overwrites); `g` holds i, f, c̃, o.
 */
INLINE void lstm_backward_at(const int W, int H, int u, const float *g, const float *c,
                             const float *cprev, const float *dy, const float *dh, float *dc,
                             float *da) {
  v128_t dht = ADD(ld(dy + u, W), ld(dh + u, W));
  v128_t i = ld(g + u, W), f = ld(g + H + u, W), cc = ld(g + 2 * H + u, W);
  v128_t o = ld(g + 3 * H + u, W);
  v128_t tc = v_tanh(ld(c + u, W));
  v128_t dct = ADD(ld(dc + u, W), MUL(MUL(dht, o), dtanh(tc)));
  st(da + u, MUL(MUL(dct, cc), dsigmoid(i)), W);
  st(da + H + u, MUL(MUL(dct, ld(cprev + u, W)), dsigmoid(f)), W);
  st(da + 2 * H + u, MUL(MUL(dct, i), dtanh(cc)), W);
  st(da + 3 * H + u, MUL(MUL(dht, tc), dsigmoid(o)), W);
  st(dc + u, MUL(dct, f), W);
}

/* GRU first half: z, r from h_prev; keep r⊙h_prev for the candidate's product. */
INLINE void gru_gates_at(const int W, GateRow r, int u, const float *hprev, float *rh) {
  int H = r.H;
  v128_t z = v_sigmoid(ADD(ADD(ld(r.g + u, W), ld(r.s + u, W)), ld(r.b + u, W)));
  v128_t rr =
      v_sigmoid(ADD(ADD(ld(r.g + H + u, W), ld(r.s + H + u, W)), ld(r.b + H + u, W)));
  st(r.g + u, z, W);
  st(r.g + H + u, rr, W);
  st(rh + u, MUL(rr, ld(hprev + u, W)), W);
}

/* GRU second half: h̃ = tanh(x·W_h + (r⊙h)·U_h + b_h), h = z⊙h_prev + (1 − z)⊙h̃. */
INLINE void gru_output_at(const int W, GateRow r, int u, const float *hprev, float *y) {
  int H = r.H;
  v128_t hh = v_tanh(ADD(ADD(ld(r.g + 2 * H + u, W), ld(r.s + u, W)), ld(r.b + 2 * H + u, W)));
  v128_t z = ld(r.g + u, W);
  st(r.g + 2 * H + u, hh, W);
  st(y + u, ADD(MUL(z, ld(hprev + u, W)), MUL(SUB(ONE, z), hh)), W);
}

/*
 * GRU backward, first half: ∂z and the candidate's ∂a; `dh` becomes the direct path ∂h⊙z.
 * Second half (gru_reset_at) needs ∂(r⊙h) = ∂a_h·U_hᵀ from the caller's GEMM.
 */
INLINE void gru_update_at(const int W, int H, int u, const float *g, const float *hprev,
                          const float *dy, float *dh, float *da) {
  v128_t dht = ADD(ld(dy + u, W), ld(dh + u, W));
  v128_t z = ld(g + u, W), hh = ld(g + 2 * H + u, W);
  v128_t dz = MUL(dht, SUB(ld(hprev + u, W), hh));
  st(da + u, MUL(dz, dsigmoid(z)), W);
  st(da + 2 * H + u, MUL(MUL(dht, SUB(ONE, z)), dtanh(hh)), W);
  st(dh + u, MUL(dht, z), W);
}

/* ∂r = ∂(r⊙h)⊙h_prev; ∂h_prev gains ∂(r⊙h)⊙r. */
INLINE void gru_reset_at(const int W, int H, int u, const float *g, const float *hprev,
                         const float *drh, float *dh, float *da) {
  v128_t rr = ld(g + H + u, W);
  v128_t d = ld(drh + u, W);
  st(da + H + u, MUL(MUL(d, ld(hprev + u, W)), dsigmoid(rr)), W);
  st(dh + u, ADD(ld(dh + u, W), MUL(d, rr)), W);
}

#endif
