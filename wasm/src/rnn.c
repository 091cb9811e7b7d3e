/*
 * Whole-sequence recurrent layers, forward and backward through time, one direction. Each call
 * runs on `nt` threads at once (thread `tid`), each owning a slice of the hidden units: the
 * input projection x·W for all steps is one GEMM per gate slice before the loop, each step is
 * only h_prev·U for the thread's gate columns plus the gate arithmetic, and one barrier per
 * step (two for GRU, whose candidate reads r⊙h of every unit) publishes the new state.
 * Backward mirrors it; ∂W = xᵀ·∂A, ∂U = h_prevᵀ·∂A and ∂x = ∂A·Wᵀ are single GEMMs after the loop.
 */
#include "cells.h"
#include "gemm.h"
#include "layout.h"
#include "threads.h"

/* Applies `BODY(W, u, us)` to the units [u0, u1): 4 lanes at a time, then single lanes. */
#define FOR_UNITS(u0, u1, BODY)                                                                    \
  do {                                                                                             \
    int u_ = (u0);                                                                                 \
    for (; u_ + 4 <= (u1); u_ += 4) BODY(4, u_, u_ - (u0));                                       \
    for (; u_ < (u1); u_++) BODY(1, u_, u_ - (u0));                                               \
  } while (0)

EXPORT(rnn_layout) void rnn_layout(int cell, int T, int N, int I, int H, int reverse, int nt,
                                   Layout *out) {
  Dims d = make_dims(cell, T, N, I, H, reverse, nt);
  make_layout(&d, out);
}

/* Time index of processing step s. */
INLINE int time_of(const Dims *d, int s) { return d->reverse ? d->T - 1 - s : s; }

/* G[:, g·H + u0 … u1) = X·W[:, same] for every gate: the thread's columns of the projection. */
static void project_inputs(const Dims *d, const Layout *l, float *tape, int tid, int u0,
                           int hu) {
  for (int g = 0; g < d->G; g++) {
    int col = g * d->H + u0;
    gemm_blocked(d->TN, hu, d->I, 1.0f, tape + l->x, d->I, 1, tape + l->w + col, d->GH, 1, 0.0f,
                 tape + l->gates + col, d->GH, gemm_buffer(tid));
  }
}

/*
 * S[:, g·hu …] = hprev·U[:, g·H + u0 …] for gates [g0, g0 + ng): from U packed once per call, or
 * for tiny sequences (T·N ≤ 2·MR, e.g. sampling one step) straight from U, since packing would
 * then cost more than all the products. U's tape neighbour (the bias) absorbs the last panel's
 * over-read (gemm_direct).
 */
static void recurrent_product(const Dims *d, const float *hprev, const float *u_own,
                              const float *packed, int g0, int ng, int hu, float *s) {
  if (d->TN > 2 * MR) {
    gemm_packed(d->N, ng * hu, d->H, 1.0f, hprev, d->H, 1, packed, 0.0f, s, ng * hu);
    return;
  }
  for (int g = 0; g < ng; g++)
    gemm_direct(d->N, hu, d->H, 1.0f, hprev, d->H, 1, u_own + (g0 + g) * d->H, d->GH, 0.0f,
                s + g * hu, ng * hu);
}

static void forward_rnn_lstm(const Dims *d, const Layout *l, float *tape, float *work, int u0,
                             int u1) {
  int hu = u1 - u0, G = d->G, relu = d->cell == CELL_RNN_RELU;
  float *s = work;
  float *up = work + ((d->N * G * d->hu_max + 15) / 16 * 16);
  const float *u_own = tape + l->u + u0;
  if (d->TN > 2 * MR) pack_b(u_own, d->GH, 1, d->H, G * hu, hu, d->H, up);
  for (int step = 0; step < d->T; step++) {
    int t = time_of(d, step);
    const float *hprev = tape + l->hprev + t * d->NH;
    recurrent_product(d, hprev, u_own, up, 0, G, hu, s);
    for (int n = 0; n < d->N; n++) {
      GateRow r = {tape + l->gates + (t * d->N + n) * d->GH, s + n * G * hu, tape + l->b, d->H,
                   hu};
      float *y = tape + l->y + t * d->NH + n * d->H;
      if (d->cell == CELL_LSTM) {
        const float *cprev = tape + l->cprev + t * d->NH + n * d->H;
        float *c = tape + l->c + t * d->NH + n * d->H;
#define BODY(W, u, us) lstm_forward_at(W, r, u, us, cprev, c, y)
        FOR_UNITS(u0, u1, BODY);
#undef BODY
      } else {
#define BODY(W, u, us) rnn_forward_at(W, relu, r, u, us, y)
        FOR_UNITS(u0, u1, BODY);
#undef BODY
      }
    }
    barrier(d->nt);
  }
}

static void forward_gru(const Dims *d, const Layout *l, float *tape, float *work, int u0,
                        int u1) {
  int hu = u1 - u0, H = d->H;
  float *s = work;
  float *uzr = work + ((d->N * 3 * d->hu_max + 15) / 16 * 16);
  float *uh = uzr + ((packed_b_floats(H, 2 * d->hu_max) + 15) / 16 * 16);
  const float *u_own = tape + l->u + u0;
  if (d->TN > 2 * MR) {
    pack_b(u_own, d->GH, 1, H, 2 * hu, hu, H, uzr);
    pack_b(u_own + 2 * H, d->GH, 1, H, hu, hu, H, uh);
  }
  for (int step = 0; step < d->T; step++) {
    int t = time_of(d, step);
    const float *hprev = tape + l->hprev + t * d->NH;
    float *rh = tape + l->rh + t * d->NH;
    recurrent_product(d, hprev, u_own, uzr, 0, 2, hu, s);
    for (int n = 0; n < d->N; n++) {
      GateRow r = {tape + l->gates + (t * d->N + n) * d->GH, s + n * 2 * hu, tape + l->b, H, hu};
      const float *hp = hprev + n * H;
      float *rhn = rh + n * H;
#define BODY(W, u, us) gru_gates_at(W, r, u, us, hp, rhn)
      FOR_UNITS(u0, u1, BODY);
#undef BODY
    }
    barrier(d->nt);
    recurrent_product(d, rh, u_own, uh, 2, 1, hu, s);
    for (int n = 0; n < d->N; n++) {
      GateRow r = {tape + l->gates + (t * d->N + n) * d->GH, s + n * hu, tape + l->b, H, hu};
      const float *hp = hprev + n * H;
      float *y = tape + l->y + t * d->NH + n * H;
#define BODY(W, u, us) gru_output_at(W, r, u, us, hp, y)
      FOR_UNITS(u0, u1, BODY);
#undef BODY
    }
    barrier(d->nt);
  }
}

/*
 * Every exported kernel takes the calling thread's index and the thread count first (a worker
 * passes its whole argument block after them without knowing the signature) and ends with a
 * barrier, so when thread 0 returns, the call is done.
 */

/*
 * Forward over the whole sequence. The caller has written w, u, b, x, h0 (and c0) into the tape
 * block; afterwards it holds y, the final states and what rnn_backward reads. `work` is the
 * forward scratch block.
 */
EXPORT(rnn_forward) void rnn_forward(int tid, int nt, int cell, int T, int N, int I, int H,
                                     int reverse, float *tape, float *work) {
  Dims d = make_dims(cell, T, N, I, H, reverse, nt);
  Layout l;
  make_layout(&d, &l);
  int u0, u1;
  thread_units(H, tid, nt, &u0, &u1);
  float *mine = work + tid * l.fwd_thread_stride;
  /* Each thread reads only its own projection columns in the loop: no barrier needed here. */
  project_inputs(&d, &l, tape, tid, u0, u1 - u0);
  if (cell == CELL_GRU)
    forward_gru(&d, &l, tape, mine, u0, u1);
  else
    forward_rnn_lstm(&d, &l, tape, mine, u0, u1);
}

/* ∂A for one step and thread, leaving what the recurrent GEMM needs in place. */
static void step_backward(const Dims *d, const Layout *l, float *tape, float *bwd, int t, int u0,
                          int u1) {
  int H = d->H, relu = d->cell == CELL_RNN_RELU;
  for (int n = 0; n < d->N; n++) {
    int row = t * d->NH + n * H;
    const float *dy = bwd + l->dy + row;
    float *dh = bwd + l->dh + n * H;
    float *da = bwd + l->da + (t * d->N + n) * d->GH;
    const float *g = tape + l->gates + (t * d->N + n) * d->GH;
    if (d->cell == CELL_LSTM) {
      const float *c = tape + l->c + row, *cprev = tape + l->cprev + row;
      float *dc = bwd + l->dc + n * H;
#define BODY(W, u, us) lstm_backward_at(W, H, u, g, c, cprev, dy, dh, dc, da)
      FOR_UNITS(u0, u1, BODY);
#undef BODY
    } else if (d->cell == CELL_GRU) {
      const float *hprev = tape + l->hprev + row;
#define BODY(W, u, us) gru_update_at(W, H, u, g, hprev, dy, dh, da)
      FOR_UNITS(u0, u1, BODY);
#undef BODY
    } else {
      const float *y = tape + l->y + row;
#define BODY(W, u, us) rnn_backward_at(W, relu, u, dy, dh, y, da)
      FOR_UNITS(u0, u1, BODY);
#undef BODY
    }
  }
}

/* GRU: ∂(r⊙h) = ∂a_h·U_hᵀ for the thread's units, then ∂r and ∂h_prev's direct terms. */
static void gru_reset_backward(const Dims *d, const Layout *l, float *tape, float *bwd,
                               const float *uht, int t, int u0, int u1) {
  int H = d->H;
  float *da_t = bwd + l->da + t * d->N * d->GH;
  gemm_packed(d->N, u1 - u0, H, 1.0f, da_t + 2 * H, d->GH, 1, uht, 0.0f, bwd + l->drh + u0, H);
  for (int n = 0; n < d->N; n++) {
    const float *g = tape + l->gates + (t * d->N + n) * d->GH;
    const float *hprev = tape + l->hprev + t * d->NH + n * H;
    const float *drh = bwd + l->drh + n * H;
    float *dh = bwd + l->dh + n * H;
    float *da = da_t + n * d->GH;
#define BODY(W, u, us) gru_reset_at(W, H, u, g, hprev, drh, dh, da)
    FOR_UNITS(u0, u1, BODY);
#undef BODY
  }
}

/* Column sums of ∂A for the thread's columns of every gate: ∂b. */
static void bias_gradient(const Dims *d, const Layout *l, float *bwd, int u0, int u1) {
  for (int g = 0; g < d->G; g++) {
    float *db = bwd + l->db + g * d->H;
    for (int u = u0; u < u1; u++) db[u] = 0.0f;
    for (int r = 0; r < d->TN; r++) {
      const float *da = bwd + l->da + r * d->GH + g * d->H;
      int u = u0;
      for (; u + 4 <= u1; u += 4)
        wasm_v128_store(db + u, wasm_f32x4_add(wasm_v128_load(db + u), wasm_v128_load(da + u)));
      for (; u < u1; u++) db[u] += da[u];
    }
  }
}

/*
 * Backward through time from the tape of a training forward pass. The caller has written ∂y into
 * the backward block; afterwards it holds ∂x, ∂W, ∂U and ∂b. The tape is left as it was.
 */
EXPORT(rnn_backward) void rnn_backward(int tid, int nt, int cell, int T, int N, int I, int H,
                                       int reverse, float *tape, float *bwd) {
  Dims d = make_dims(cell, T, N, I, H, reverse, nt);
  Layout l;
  make_layout(&d, &l);
  int u0, u1;
  thread_units(H, tid, nt, &u0, &u1);
  int hu = u1 - u0, GH = d.GH;
  float *mine = bwd + l.bwd_thread + tid * l.bwd_thread_stride;
  /* Own columns of Uᵀ: element (p, j) = U[u0 + j, p]. */
  const float *u_rows = tape + l.u + u0 * GH;
  float *uzrt = mine, *uht = mine;
  if (cell == CELL_GRU) {
    pack_b(u_rows + 2 * H, 1, GH, H, hu, hu, 0, uht);
    uzrt = mine + ((packed_b_floats(H, d.hu_max) + 15) / 16 * 16);
    pack_b(u_rows, 1, GH, 2 * H, hu, hu, 0, uzrt);
  } else {
    pack_b(u_rows, 1, GH, GH, hu, hu, 0, uzrt);
  }
  for (int n = 0; n < N; n++)
    for (int u = u0; u < u1; u++) bwd[l.dh + n * H + u] = bwd[l.dc + n * H + u] = 0.0f;

  for (int step = T - 1; step >= 0; step--) {
    int t = time_of(&d, step);
    step_backward(&d, &l, tape, bwd, t, u0, u1);
    barrier(nt);
    float *da_t = bwd + l.da + t * N * GH;
    if (cell == CELL_GRU) {
      gru_reset_backward(&d, &l, tape, bwd, uht, t, u0, u1);
      if (step > 0) {
        barrier(nt);
        gemm_packed(N, hu, 2 * H, 1.0f, da_t, GH, 1, uzrt, 1.0f, bwd + l.dh + u0, H);
      }
    } else if (step > 0) {
      gemm_packed(N, hu, GH, 1.0f, da_t, GH, 1, uzrt, 0.0f, bwd + l.dh + u0, H);
    }
  }
  barrier(nt);

  /* ∂x = ∂A·Wᵀ (all of ∂A: after the barrier); W is [I, GH], so op(B)(p, j) = W[j, p]. */
  gemm_part(tid, nt, d.TN, I, GH, 1.0f, bwd + l.da, GH, 1, tape + l.w, 1, GH, 0.0f, bwd + l.dx, I);
  for (int g = 0; g < d.G; g++) {
    int col = g * H + u0;
    /* ∂W = xᵀ·∂A and ∂U = h_prevᵀ·∂A (GRU's candidate: (r⊙h_prev)ᵀ·∂A_h), own columns. */
    gemm_blocked(I, hu, d.TN, 1.0f, tape + l.x, 1, I, bwd + l.da + col, GH, 1, 0.0f,
                 bwd + l.dw + col, GH, gemm_buffer(tid));
    const float *left = cell == CELL_GRU && g == 2 ? tape + l.rh : tape + l.hprev;
    gemm_blocked(H, hu, d.TN, 1.0f, left, 1, H, bwd + l.da + col, GH, 1, 0.0f, bwd + l.du + col,
                 GH, gemm_buffer(tid));
  }
  bias_gradient(&d, &l, bwd, u0, u1);
  barrier(nt);
}

/*
 * The FusedKernels GEMM: C ← alpha·op(A)·op(B) + beta·C, row-major, A stored [k, m] when
 * transposed, B stored [n, k] when transposed.
 */
EXPORT(gemm) void gemm(int tid, int nt, int trans_a, int trans_b, int m, int n, int k,
                       float alpha, const float *a, const float *b, float beta, float *c) {
  int rsa = trans_a ? 1 : k, csa = trans_a ? m : 1;
  int rsb = trans_b ? 1 : n, csb = trans_b ? k : 1;
  gemm_part(tid, nt, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c, n);
  barrier(nt);
}
