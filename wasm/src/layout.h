/*
 * Where each array of one recurrent call lives, in floats from the start of its block. The
 * TypeScript wrapper asks for this layout (rnn_layout) instead of repeating the arithmetic.
 *
 * The hidden states of all steps live in one `[(T+1), N, H]` buffer ordered so that both the
 * outputs `y` (indexed by original time) and the states each step read, `hprev`, are contiguous
 * `[T, N, H]` views: forward order stores h0, y0 … y(T−1); reverse stores y0 … y(T−1), h0. Then
 * ∂U = hprevᵀ·∂A is one GEMM over all steps, whichever the direction. LSTM cell states likewise.
 */
#ifndef RNN_LAYOUT_H
#define RNN_LAYOUT_H

#include "common.h"

enum Cell { CELL_RNN_TANH = 0, CELL_RNN_RELU = 1, CELL_LSTM = 2, CELL_GRU = 3 };

typedef struct {
  int cell, T, N, I, H, reverse, nt;
  int G, GH, NH, TN;
  /* Batch rows per thread in the recurrent loops (the last thread's share, the largest). */
  int rows_max;
} Dims;

/* Field order is the int32 array rnn_layout writes; the wrapper reads it by the same names. */
typedef struct {
  /* Tape block: inputs the caller writes, then what backward reads. */
  int w, u, b, x, gates, y, hprev, h0, ht, c, cprev, c0, ct, rh, tape_total;
  /* Forward scratch block: per-thread recurrent products and packed weights. */
  int fwd_thread_stride, fwd_total;
  /* Backward block: ∂y in, gradients out, then scratch. */
  int dy, dx, dw, du, db, da, dh, dc, drh, bwd_thread, bwd_thread_stride, bwd_total;
} Layout;

Dims make_dims(int cell, int T, int N, int I, int H, int reverse, int nt);
void make_layout(const Dims *d, Layout *l);

#endif
