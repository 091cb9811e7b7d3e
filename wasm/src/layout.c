#include "layout.h"
#include "gemm.h"
#include "threads.h"

Dims make_dims(int cell, int T, int N, int I, int H, int reverse, int nt) {
  Dims d;
  d.cell = cell;
  d.T = T;
  d.N = N;
  d.I = I;
  d.H = H;
  d.reverse = reverse;
  d.nt = nt;
  d.G = cell == CELL_LSTM ? 4 : cell == CELL_GRU ? 3 : 1;
  d.GH = d.G * H;
  d.NH = N * H;
  d.TN = T * N;
  int lo, hi;
  thread_rows(N, nt - 1, nt, &lo, &hi);
  d.rows_max = hi - lo;
  return d;
}

/* Regions start on 64-byte lines so vector loads of a row start aligned when rows are. */
static int take(int *off, int floats) {
  int at = *off;
  *off += (floats + 15) / 16 * 16;
  return at;
}

/* A `[(T+1), N, H]` state buffer split into outputs, previous states, initial and final state. */
static void states(const Dims *d, int *off, int *out, int *prev, int *init, int *last) {
  int base = take(off, (d->T + 1) * d->NH);
  if (d->reverse) {
    *out = base;
    *prev = base + d->NH;
    *init = base + d->T * d->NH;
    *last = base;
  } else {
    *out = base + d->NH;
    *prev = base;
    *init = base;
    *last = base + d->T * d->NH;
  }
}

void make_layout(const Dims *d, Layout *l) {
  int off = 0;
  l->w = take(&off, d->I * d->GH);
  l->u = take(&off, d->H * d->GH);
  l->b = take(&off, d->GH);
  l->x = take(&off, d->TN * d->I);
  l->gates = take(&off, d->TN * d->GH);
  states(d, &off, &l->y, &l->hprev, &l->h0, &l->ht);
  if (d->cell == CELL_LSTM) {
    states(d, &off, &l->c, &l->cprev, &l->c0, &l->ct);
  } else {
    l->c = l->cprev = l->c0 = l->ct = -1;
  }
  l->rh = d->cell == CELL_GRU ? take(&off, d->TN * d->H) : -1;
  l->tape_total = off;

  /*
   * Forward, per thread: S = hprev·U for its rows `[rows, G·H]`, then U packed (GRU: z|r and h
   * apart), then W packed.
   */
  int fwd = 0;
  take(&fwd, d->rows_max * d->GH);
  if (d->cell == CELL_GRU) {
    take(&fwd, (int)packed_b_floats(d->H, 2 * d->H));
    take(&fwd, (int)packed_b_floats(d->H, d->H));
  } else {
    take(&fwd, (int)packed_b_floats(d->H, d->GH));
  }
  take(&fwd, (int)packed_b_floats(d->I, d->GH));
  l->fwd_thread_stride = fwd;
  l->fwd_total = fwd * d->nt;

  off = 0;
  l->dy = take(&off, d->TN * d->H);
  l->dx = take(&off, d->TN * d->I);
  l->dw = take(&off, d->I * d->GH);
  l->du = take(&off, d->H * d->GH);
  l->db = take(&off, d->GH);
  l->da = take(&off, d->TN * d->GH);
  l->dh = take(&off, d->NH);
  l->dc = take(&off, d->NH);
  l->drh = take(&off, d->NH);
  /* Per thread: all of Uᵀ, packed (GRU: the h block and the z|r block apart). */
  int bwd = 0;
  if (d->cell == CELL_GRU) {
    take(&bwd, (int)packed_b_floats(d->H, d->H));
    take(&bwd, (int)packed_b_floats(2 * d->H, d->H));
  } else {
    take(&bwd, (int)packed_b_floats(d->GH, d->H));
  }
  l->bwd_thread_stride = bwd;
  l->bwd_thread = take(&off, bwd * d->nt);
  l->bwd_total = off;
}
