#include "gemm.h"

/* Per-thread B block for gemm_blocked (KC·NC floats each); bss, so it costs no file size. */
static float pack_buf[MAX_THREADS][KC * (NC + MR)] __attribute__((aligned(16)));

float *gemm_buffer(int tid) { return pack_buf[tid]; }

void pack_b(const float *b, int rs, int cs, int k, int n, int seglen, int segstride, float *out) {
  for (int j0 = 0; j0 < n; j0 += NR) {
    int nc = imin(NR, n - j0);
    long col[NR];
    for (int j = 0; j < NR; j++) {
      int jj = j0 + (j < nc ? j : 0);
      col[j] = (long)(jj / seglen) * segstride + jj % seglen;
    }
    /* Contiguous columns in one segment: copy whole vectors (the common forward case). */
    int contiguous = cs == 1 && nc == NR && col[NR - 1] - col[0] == NR - 1;
    for (int p = 0; p < k; p++) {
      const float *row = b + (long)p * rs;
      if (contiguous) {
        const float *src = row + col[0];
        for (int v = 0; v < NR; v += 4) wasm_v128_store(out + v, wasm_v128_load(src + v));
      } else {
        for (int j = 0; j < NR; j++) out[j] = j < nc ? row[col[j] * cs] : 0.0f;
      }
      out += NR;
    }
  }
}

/*
 * One MR_ × NR tile: MR_ is a compile-time constant at every call site, so the accumulators
 * become locals (registers), never a stack array.
 */
INLINE void micro_tile(const int MR_, int k, float alpha, const float *a, int rsa, int csa,
                       const float *bp, int ldb, float beta, float *c, int ldc, int nc) {
  v128_t acc[MR][NR / 4];
  for (int i = 0; i < MR_; i++)
    for (int v = 0; v < NR / 4; v++) acc[i][v] = wasm_f32x4_splat(0.0f);
  const float *ar[MR];
  for (int i = 0; i < MR_; i++) ar[i] = a + (long)i * rsa;
  for (int p = 0; p < k; p++) {
    v128_t bv[NR / 4];
    for (int v = 0; v < NR / 4; v++) bv[v] = wasm_v128_load(bp + 4 * v);
    bp += ldb;
    for (int i = 0; i < MR_; i++) {
      v128_t ai = wasm_v128_load32_splat(ar[i]);
      ar[i] += csa;
      for (int v = 0; v < NR / 4; v++) acc[i][v] = madd(ai, bv[v], acc[i][v]);
    }
  }
  v128_t va = wasm_f32x4_splat(alpha);
  v128_t vb = wasm_f32x4_splat(beta);
  if (nc == NR) {
    for (int i = 0; i < MR_; i++) {
      float *ci = c + (long)i * ldc;
      for (int v = 0; v < NR / 4; v++) {
        v128_t r = wasm_f32x4_mul(acc[i][v], va);
        if (beta != 0.0f) r = madd(wasm_v128_load(ci + 4 * v), vb, r);
        wasm_v128_store(ci + 4 * v, r);
      }
    }
  } else {
    for (int i = 0; i < MR_; i++) {
      float tile[NR] __attribute__((aligned(16)));
      for (int v = 0; v < NR / 4; v++) wasm_v128_store(tile + 4 * v, wasm_f32x4_mul(acc[i][v], va));
      float *ci = c + (long)i * ldc;
      for (int j = 0; j < nc; j++) ci[j] = beta != 0.0f ? tile[j] + beta * ci[j] : tile[j];
    }
  }
}

/*
 * All NR panels for MR_ rows of C. B is packed panels (ldb = NR, next panel NR·k floats on) or
 * row-major in place (ldb = its row stride, next panel NR floats on).
 */
INLINE void row_panel(const int MR_, int n, int k, float alpha, const float *a, int rsa, int csa,
                      const float *bp, int ldb, int panel, float beta, float *c, int ldc) {
  for (int j0 = 0; j0 < n; j0 += NR) {
    micro_tile(MR_, k, alpha, a, rsa, csa, bp, ldb, beta, c + j0, ldc, imin(NR, n - j0));
    bp += panel;
  }
}

/* The last m mod MR rows, each count with its own compile-time tile. */
static void tail_rows(int mr, int n, int k, float alpha, const float *a, int rsa, int csa,
                      const float *bp, int ldb, int panel, float beta, float *c, int ldc) {
  switch (mr) {
#if MR > 5
  case 5: row_panel(5, n, k, alpha, a, rsa, csa, bp, ldb, panel, beta, c, ldc); break;
#endif
#if MR > 4
  case 4: row_panel(4, n, k, alpha, a, rsa, csa, bp, ldb, panel, beta, c, ldc); break;
#endif
  case 3: row_panel(3, n, k, alpha, a, rsa, csa, bp, ldb, panel, beta, c, ldc); break;
  case 2: row_panel(2, n, k, alpha, a, rsa, csa, bp, ldb, panel, beta, c, ldc); break;
  case 1: row_panel(1, n, k, alpha, a, rsa, csa, bp, ldb, panel, beta, c, ldc); break;
  default: break;
  }
}

static void gemm_rows(int m, int n, int k, float alpha, const float *a, int rsa, int csa,
                      const float *bp, int ldb, int panel, float beta, float *c, int ldc) {
  if (m <= 0 || n <= 0) return;
  int i0 = 0;
  for (; i0 + MR <= m; i0 += MR)
    row_panel(MR, n, k, alpha, a + (long)i0 * rsa, rsa, csa, bp, ldb, panel, beta,
              c + (long)i0 * ldc, ldc);
  tail_rows(m - i0, n, k, alpha, a + (long)i0 * rsa, rsa, csa, bp, ldb, panel, beta,
            c + (long)i0 * ldc, ldc);
}

/*
 * Copies `mr` rows of op(A) over k columns into an MR-interleaved panel (element (i, p) at
 * out[p·MR + i]), so the micro-kernel's A loads walk one contiguous stream. With rsa = 1 (A stored
 * transposed, as in ∂W = xᵀ·∂A) each p is one vector load.
 */
static void pack_a(const float *a, int rsa, int csa, int mr, int k, float *out) {
  if (rsa == 1 && mr == MR && MR % 4 == 0) {
    for (int p = 0; p < k; p++, out += MR, a += csa)
      for (int v = 0; v < MR; v += 4) wasm_v128_store(out + v, wasm_v128_load(a + v));
    return;
  }
  for (int p = 0; p < k; p++, out += MR)
    for (int i = 0; i < mr; i++) out[i] = a[(long)i * rsa + (long)p * csa];
}

/*
 * gemm_packed with op(A) packed one MR-row panel at a time into `abuf` (MR·k floats). Pays where
 * A's elements for one k step are not MR contiguous rows' worth of separate streams: transposed
 * A (element (i, p) at a[i + p·csa]) reads one cache line per k step per tile otherwise, and with
 * csa a multiple of 128 floats those lines fall into a handful of L1 sets and evict each other.
 */
static void gemm_packed_a(int m, int n, int k, float alpha, const float *a, int rsa, int csa,
                          const float *bp, float beta, float *c, int ldc, float *abuf) {
  for (int i0 = 0; i0 < m; i0 += MR) {
    int mr = imin(MR, m - i0);
    pack_a(a + (long)i0 * rsa, rsa, csa, mr, k, abuf);
    if (mr == MR)
      row_panel(MR, n, k, alpha, abuf, 1, MR, bp, NR, NR * k, beta, c + (long)i0 * ldc, ldc);
    else
      tail_rows(mr, n, k, alpha, abuf, 1, MR, bp, NR, NR * k, beta, c + (long)i0 * ldc, ldc);
  }
}

void gemm_packed(int m, int n, int k, float alpha, const float *a, int rsa, int csa,
                 const float *bp, float beta, float *c, int ldc) {
  gemm_rows(m, n, k, alpha, a, rsa, csa, bp, NR, NR * k, beta, c, ldc);
}

void gemm_direct(int m, int n, int k, float alpha, const float *a, int rsa, int csa,
                 const float *b, int ldb, float beta, float *c, int ldc) {
  gemm_rows(m, n, k, alpha, a, rsa, csa, b, ldb, NR, beta, c, ldc);
}

/* C ← beta·C for an empty k (beta = 0 writes zeros without reading). */
static void scale_c(int m, int n, float beta, float *c, int ldc) {
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++) c[(long)i * ldc + j] = beta != 0.0f ? beta * c[(long)i * ldc + j] : 0.0f;
}

void gemm_blocked(int m, int n, int k, float alpha, const float *a, int rsa, int csa,
                  const float *b, int rsb, int csb, float beta, float *c, int ldc, float *buf) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    scale_c(m, n, beta, c, ldc);
    return;
  }
  /* Few rows use each element of B only a few times: packing it would cost as much as the product. */
  if (m <= 2 * MR && csb == 1) {
    gemm_direct(m, n, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc);
    return;
  }
  for (int j0 = 0; j0 < n; j0 += NC) {
    int nc = imin(NC, n - j0);
    for (int p0 = 0; p0 < k; p0 += KC) {
      int kc = imin(KC, k - p0);
      pack_b(b + (long)p0 * rsb + (long)j0 * csb, rsb, csb, kc, nc, nc, 0, buf);
      float b0 = p0 == 0 ? beta : 1.0f;
      if (csa == 1)
        gemm_packed(m, nc, kc, alpha, a + (long)p0 * csa, rsa, csa, buf, b0, c + j0, ldc);
      else
        gemm_packed_a(m, nc, kc, alpha, a + (long)p0 * csa, rsa, csa, buf, b0, c + j0, ldc,
                      buf + KC * NC);
    }
  }
}

/* [lo, hi) of `total` for part `tid` of `nt`, cut at multiples of `align`. */
static void split(int total, int align, int tid, int nt, int *lo, int *hi) {
  int chunk = (total + nt - 1) / nt;
  chunk = (chunk + align - 1) / align * align;
  *lo = imin(total, tid * chunk);
  *hi = imin(total, *lo + chunk);
}

void gemm_part(int tid, int nt, int m, int n, int k, float alpha, const float *a, int rsa,
               int csa, const float *b, int rsb, int csb, float beta, float *c, int ldc) {
  /*
   * Columns or rows, whichever splits more evenly once cut at whole panels (NR columns, MR rows);
   * columns on a tie, since then each thread packs only its own part of B. The head's products
   * show why: 65 columns cut at 8 give threads 40 and 25, its 2048 rows 1024 each.
   */
  int chunk_n = ((n + nt - 1) / nt + NR - 1) / NR * NR;
  int chunk_m = ((m + nt - 1) / nt + MR - 1) / MR * MR;
  int by_rows = (long)m * chunk_n > (long)n * chunk_m;
  int lo, hi;
  if (!by_rows) {
    split(n, NR, tid, nt, &lo, &hi);
    gemm_blocked(m, hi - lo, k, alpha, a, rsa, csa, b + (long)lo * csb, rsb, csb, beta, c + lo,
                 ldc, pack_buf[tid]);
  } else {
    split(m, MR, tid, nt, &lo, &hi);
    gemm_blocked(hi - lo, n, k, alpha, a + (long)lo * rsa, rsa, csa, b, rsb, csb, beta,
                 c + (long)lo * ldc, ldc, pack_buf[tid]);
  }
}
