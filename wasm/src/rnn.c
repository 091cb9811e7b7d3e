/*
 * Whole-sequence recurrent layers, forward and backward through time, one direction. Each call
 * runs on `nt` threads at once (thread `tid`), each owning a slice of the batch rows: rows never
 * read each other's state, so a thread runs its whole recurrence without waiting for the others.
 * Per step and thread that is x_t·W and h_prev·U for its rows (W and U packed once per call) and
 * the gate arithmetic. Backward mirrors it; the weight gradients ∂W = xᵀ·∂A, ∂U = h_prevᵀ·∂A and
 * ∂x = ∂A·Wᵀ sum over every row, so they are single GEMMs after one barrier, split by columns.
 *
 * Why rows and not hidden units: splitting units needs every unit's new state before the next
 * step (a barrier per step, two for GRU), and on a busy machine a descheduled thread stalls the
 * other at each of them; splitting rows needs no barrier until the loop is over.
 */
#include "cells.h"
#include "gemm.h"
#include "layout.h"
#include "threads.h"

/* Applies `BODY(W, u)` to the units [0, H): 4 lanes at a time, then single lanes. */
#define FOR_UNITS(H_, BODY)                                                                        \
  do {                                                                                             \
    int u_ = 0;                                                                                    \
    for (; u_ + 4 <= (H_); u_ += 4) BODY(4, u_);                                                  \
    for (; u_ < (H_); u_++) BODY(1, u_);                                                          \
  } while (0)

EXPORT(rnn_layout) void rnn_layout(int cell, int T, int N, int I, int H, int reverse, int nt,
                                   Layout *out) {
  Dims d = make_dims(cell, T, N, I, H, reverse, nt);
  make_layout(&d, out);
}

/* Time index of processing step s. */
INLINE int time_of(const Dims *d, int s) { return d->reverse ? d->T - 1 - s : s; }

/* Rounds a float count up to whole 64-byte lines (the layout's region alignment). */
INLINE size_t lines(size_t floats) { return (floats + 15) / 16 * 16; }

/*
 * A weight matrix `[k, ld]`'s columns [col, col + n) as the right operand of per-step products:
 * packed once per call, or for tiny sequences (T·N ≤ 2·MR, e.g. sampling one step) used in place,
 * since packing would then cost more than all the products. In place, gemm_direct over-reads up
 * to NR − 1 floats past a row's last column: the next row, or for the last row the tape region
 * after the matrix (W is followed by U, U by the bias).
 */
typedef struct {
  const float *raw;
  float *packed;
  int k, ld, col, n, use_packed;
} Operand;

static Operand operand(const Dims *d, const float *m, int k, int ld, int col, int n, float *buf) {
  Operand o = {m, buf, k, ld, col, n, d->TN > 2 * MR};
  if (o.use_packed) pack_b(m + col, ld, 1, k, n, n, 0, buf);
  return o;
}

/* C (rows × o.n, row stride ldc) = A·operand, A element (i, p) at a[i·lda + p]. */
static void times(const Operand *o, int rows, const float *a, int lda, float *c, int ldc) {
  if (rows <= 0) return;
  if (o->use_packed)
    gemm_packed(rows, o->n, o->k, 1.0f, a, lda, 1, o->packed, 0.0f, c, ldc);
  else
    gemm_direct(rows, o->n, o->k, 1.0f, a, lda, 1, o->raw + o->col, o->ld, 0.0f, c, ldc);
}

/* The gates rows [n0, n1) of step t get their input projection x_t·W. */
static void project_step(const Dims *d, const Layout *l, float *tape, const Operand *w, int t,
                         int n0, int n1) {
  int row = t * d->N + n0;
  times(w, n1 - n0, tape + l->x + row * d->I, d->I, tape + l->gates + row * d->GH, d->GH);
}

static void forward_rnn_lstm(const Dims *d, const Layout *l, float *tape, float *work, int n0,
                             int n1) {
  int H = d->H, GH = d->GH, relu = d->cell == CELL_RNN_RELU;
  float *s = work;
  float *up = s + lines((size_t)d->rows_max * GH);
  float *wp = up + lines(packed_b_floats(H, GH));
  Operand u = operand(d, tape + l->u, H, GH, 0, GH, up);
  Operand w = operand(d, tape + l->w, d->I, GH, 0, GH, wp);
  for (int step = 0; step < d->T; step++) {
    int t = time_of(d, step);
    project_step(d, l, tape, &w, t, n0, n1);
    times(&u, n1 - n0, tape + l->hprev + t * d->NH + n0 * H, H, s, GH);
    for (int n = n0; n < n1; n++) {
      GateRow r = {tape + l->gates + (t * d->N + n) * GH, s + (n - n0) * GH, tape + l->b, H};
      float *y = tape + l->y + t * d->NH + n * H;
      if (d->cell == CELL_LSTM) {
        const float *cprev = tape + l->cprev + t * d->NH + n * H;
        float *c = tape + l->c + t * d->NH + n * H;
#define BODY(W, u) lstm_forward_at(W, r, u, cprev, c, y)
        FOR_UNITS(H, BODY);
#undef BODY
      } else {
#define BODY(W, u) rnn_forward_at(W, relu, r, u, y)
        FOR_UNITS(H, BODY);
#undef BODY
      }
    }
  }
}

static void forward_gru(const Dims *d, const Layout *l, float *tape, float *work, int n0,
                        int n1) {
  int H = d->H, GH = d->GH;
  float *s = work;
  float *uzr_buf = s + lines((size_t)d->rows_max * GH);
  float *uh_buf = uzr_buf + lines(packed_b_floats(H, 2 * H));
  float *wp = uh_buf + lines(packed_b_floats(H, H));
  Operand uzr = operand(d, tape + l->u, H, GH, 0, 2 * H, uzr_buf);
  Operand uh = operand(d, tape + l->u, H, GH, 2 * H, H, uh_buf);
  Operand w = operand(d, tape + l->w, d->I, GH, 0, GH, wp);
  for (int step = 0; step < d->T; step++) {
    int t = time_of(d, step);
    const float *hprev = tape + l->hprev + t * d->NH;
    float *rh = tape + l->rh + t * d->NH;
    project_step(d, l, tape, &w, t, n0, n1);
    times(&uzr, n1 - n0, hprev + n0 * H, H, s, 2 * H);
    for (int n = n0; n < n1; n++) {
      GateRow r = {tape + l->gates + (t * d->N + n) * GH, s + (n - n0) * 2 * H, tape + l->b, H};
      const float *hp = hprev + n * H;
      float *rhn = rh + n * H;
#define BODY(W, u) gru_gates_at(W, r, u, hp, rhn)
      FOR_UNITS(H, BODY);
#undef BODY
    }
    times(&uh, n1 - n0, rh + n0 * H, H, s, H);
    for (int n = n0; n < n1; n++) {
      GateRow r = {tape + l->gates + (t * d->N + n) * GH, s + (n - n0) * H, tape + l->b, H};
      const float *hp = hprev + n * H;
      float *y = tape + l->y + t * d->NH + n * H;
#define BODY(W, u) gru_output_at(W, r, u, hp, y)
      FOR_UNITS(H, BODY);
#undef BODY
    }
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
  int n0, n1;
  thread_rows(N, tid, nt, &n0, &n1);
  float *mine = work + tid * l.fwd_thread_stride;
  if (n1 > n0) {
    if (cell == CELL_GRU)
      forward_gru(&d, &l, tape, mine, n0, n1);
    else
      forward_rnn_lstm(&d, &l, tape, mine, n0, n1);
  }
  barrier(nt);
}

/* ∂A for step t and the rows [n0, n1), leaving what the recurrent GEMM needs in place. */
static void step_backward(const Dims *d, const Layout *l, float *tape, float *bwd, int t, int n0,
                          int n1) {
  int H = d->H, relu = d->cell == CELL_RNN_RELU;
  for (int n = n0; n < n1; n++) {
    int row = t * d->NH + n * H;
    const float *dy = bwd + l->dy + row;
    float *dh = bwd + l->dh + n * H;
    float *da = bwd + l->da + (t * d->N + n) * d->GH;
    const float *g = tape + l->gates + (t * d->N + n) * d->GH;
    if (d->cell == CELL_LSTM) {
      const float *c = tape + l->c + row, *cprev = tape + l->cprev + row;
      float *dc = bwd + l->dc + n * H;
#define BODY(W, u) lstm_backward_at(W, H, u, g, c, cprev, dy, dh, dc, da)
      FOR_UNITS(H, BODY);
#undef BODY
    } else if (d->cell == CELL_GRU) {
      const float *hprev = tape + l->hprev + row;
#define BODY(W, u) gru_update_at(W, H, u, g, hprev, dy, dh, da)
      FOR_UNITS(H, BODY);
#undef BODY
    } else {
      const float *y = tape + l->y + row;
#define BODY(W, u) rnn_backward_at(W, relu, u, dy, dh, y, da)
      FOR_UNITS(H, BODY);
#undef BODY
    }
  }
}

/* GRU: ∂(r⊙h) = ∂a_h·U_hᵀ for the rows [n0, n1), then ∂r and ∂h_prev's direct terms. */
static void gru_reset_backward(const Dims *d, const Layout *l, float *tape, float *bwd,
                               const float *uht, int t, int n0, int n1) {
  int H = d->H, GH = d->GH;
  float *da_t = bwd + l->da + t * d->N * GH;
  gemm_packed(n1 - n0, H, H, 1.0f, da_t + n0 * GH + 2 * H, GH, 1, uht, 0.0f,
              bwd + l->drh + n0 * H, H);
  for (int n = n0; n < n1; n++) {
    const float *g = tape + l->gates + (t * d->N + n) * GH;
    const float *hprev = tape + l->hprev + t * d->NH + n * H;
    const float *drh = bwd + l->drh + n * H;
    float *dh = bwd + l->dh + n * H;
    float *da = da_t + n * GH;
#define BODY(W, u) gru_reset_at(W, H, u, g, hprev, drh, dh, da)
    FOR_UNITS(H, BODY);
#undef BODY
  }
}

/* Column sums of ∂A over every row for the columns [c0, c1): ∂b. */
static void bias_gradient(const Dims *d, const Layout *l, float *bwd, int c0, int c1) {
  float *db = bwd + l->db;
  for (int j = c0; j < c1; j++) db[j] = 0.0f;
  for (int r = 0; r < d->TN; r++) {
    const float *da = bwd + l->da + r * d->GH;
    int j = c0;
    for (; j + 4 <= c1; j += 4)
      wasm_v128_store(db + j, wasm_f32x4_add(wasm_v128_load(db + j), wasm_v128_load(da + j)));
    for (; j < c1; j++) db[j] += da[j];
  }
}

/*
 * ∂W = xᵀ·∂A and ∂U = h_prevᵀ·∂A for the columns [c0, c1) of all gates, each one GEMM over
 * every row (GRU's candidate columns take (r⊙h_prev)ᵀ instead of h_prevᵀ).
 */
static void weight_gradients(const Dims *d, const Layout *l, float *tape, float *bwd, int tid,
                             int c0, int c1) {
  int H = d->H, GH = d->GH, I = d->I;
  if (c1 <= c0) return;
  gemm_blocked(I, c1 - c0, d->TN, 1.0f, tape + l->x, 1, I, bwd + l->da + c0, GH, 1, 0.0f,
               bwd + l->dw + c0, GH, gemm_buffer(tid));
  int split = d->cell == CELL_GRU ? imax(c0, imin(c1, 2 * H)) : c1;
  if (split > c0)
    gemm_blocked(H, split - c0, d->TN, 1.0f, tape + l->hprev, 1, H, bwd + l->da + c0, GH, 1,
                 0.0f, bwd + l->du + c0, GH, gemm_buffer(tid));
  if (c1 > split)
    gemm_blocked(H, c1 - split, d->TN, 1.0f, tape + l->rh, 1, H, bwd + l->da + split, GH, 1,
                 0.0f, bwd + l->du + split, GH, gemm_buffer(tid));
}

/* Backward through time for the rows [n0, n1): ∂A of every step, with ∂h and ∂c carried back. */
static void backward_rows(const Dims *d, const Layout *l, float *tape, float *bwd, float *mine,
                          int n0, int n1) {
  int H = d->H, GH = d->GH, N = d->N, rows = n1 - n0;
  /* Uᵀ: element (p, j) = U[j, p]. */
  const float *u = tape + l->u;
  float *uzrt = mine, *uht = mine;
  if (d->cell == CELL_GRU) {
    pack_b(u + 2 * H, 1, GH, H, H, H, 0, uht);
    uzrt = mine + lines(packed_b_floats(H, H));
    pack_b(u, 1, GH, 2 * H, H, H, 0, uzrt);
  } else {
    pack_b(u, 1, GH, GH, H, H, 0, uzrt);
  }
  for (int i = n0 * H; i < n1 * H; i++) bwd[l->dh + i] = bwd[l->dc + i] = 0.0f;
  for (int step = d->T - 1; step >= 0; step--) {
    int t = time_of(d, step);
    step_backward(d, l, tape, bwd, t, n0, n1);
    const float *da = bwd + l->da + (t * N + n0) * GH;
    float *dh = bwd + l->dh + n0 * H;
    if (d->cell == CELL_GRU) {
      gru_reset_backward(d, l, tape, bwd, uht, t, n0, n1);
      if (step > 0) gemm_packed(rows, H, 2 * H, 1.0f, da, GH, 1, uzrt, 1.0f, dh, H);
    } else if (step > 0) {
      gemm_packed(rows, H, GH, 1.0f, da, GH, 1, uzrt, 0.0f, dh, H);
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
  int GH = d.GH;
  int n0, n1;
  thread_rows(N, tid, nt, &n0, &n1);
  float *mine = bwd + l.bwd_thread + tid * l.bwd_thread_stride;
  if (n1 > n0) backward_rows(&d, &l, tape, bwd, mine, n0, n1);
  /* The weight gradients sum over every row: all of ∂A must be there. */
  barrier(nt);

  /* ∂x = ∂A·Wᵀ; W is [I, GH], so op(B)(p, j) = W[j, p]. */
  gemm_part(tid, nt, d.TN, I, GH, 1.0f, bwd + l.da, GH, 1, tape + l.w, 1, GH, 0.0f, bwd + l.dx, I);
  /* Each thread its own columns of ∂W, ∂U and ∂b, cut at whole panels. */
  int c0, c1;
  thread_columns(GH, tid, nt, &c0, &c1);
  weight_gradients(&d, &l, tape, bwd, tid, c0, c1);
  bias_gradient(&d, &l, bwd, c0, c1);
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
