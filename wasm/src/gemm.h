/*
 * Single-precision GEMM for row-major matrices, split into the two pieces the recurrent kernels
 * need: packing op(B) into NR-column panels once, and multiplying any strided op(A) with packed
 * panels. A micro-kernel broadcasts one element of each of its MR rows per k step, which reads
 * MR row-major rows as cheaply as a packed panel; a transposed A (the weight gradients xᵀ·∂A and
 * h_prevᵀ·∂A, k = T·N long) is packed one MR-row panel at a time in gemm_blocked, since there
 * each k step would otherwise touch a new cache line.
 */
#ifndef RNN_GEMM_H
#define RNN_GEMM_H

#include "common.h"

/*
 * Micro-tile: MR rows × NR columns of C, held in MR·NR/4 f32x4 accumulators. Measured under V8
 * 11.3 on x64 (GFLOP/s per CPU-second, the shapes): 4 × 8 ran 24–28 plain and 27–35
 * relaxed, against 19–23 for 6 × 8, 4 × 12 and 3 × 16: with more accumulators V8's register
 * allocator spills. MR ≤ 6 (gemm_packed's edge cases).
 */
#ifndef MR
#define MR 4
#endif
#ifndef NR
#define NR 8
#endif
/* k-block for unpacked-B products, so a packed panel (KC·NR floats = 8 KiB) stays in L1. */
#ifndef KC
#define KC 256
#endif
/* n-block for unpacked-B products, so the packed block (KC·NC floats = 256 KiB) stays in L2. */
#ifndef NC
#define NC 256
#endif

/* Floats a packed op(B) of k × n occupies: ⌈n/NR⌉ panels of k·NR. */
INLINE size_t packed_b_floats(int k, int n) { return (size_t)((n + NR - 1) / NR) * NR * (size_t)k; }

/*
 * Packs op(B) (k × n) into NR-column panels, zero-padding the last. Element (p, j) of op(B) is
 * b[p·rs + col(j)·cs] where col(j) = (j / seglen)·segstride + j % seglen: `seglen = n` is a plain
 * column range; smaller segments gather one thread's units from every gate of a recurrent kernel.
 */
void pack_b(const float *b, int rs, int cs, int k, int n, int seglen, int segstride, float *out);

/*
 * C (m × n, row stride ldc) ← alpha·op(A)·B + beta·C with B packed by pack_b (k × n) and op(A)
 * element (i, p) at a[i·rsa + p·csa]. beta = 0 never reads C.
 */
void gemm_packed(int m, int n, int k, float alpha, const float *a, int rsa, int csa,
                 const float *bp, float beta, float *c, int ldc);

/*
 * As gemm_packed, but B row-major in place (element (p, j) at b[p·ldb + j]), for products with so
 * few rows that packing B would cost as much as multiplying. The last panel reads up to NR − 1
 * floats past column n of each row (their lanes are discarded), so those must be addressable.
 */
void gemm_direct(int m, int n, int k, float alpha, const float *a, int rsa, int csa,
                 const float *b, int ldb, float beta, float *c, int ldc);

/*
 * Full GEMM over the given rows and columns of C, packing B block by block into `buf`
 * (KC·(NC + MR) floats, private to the calling thread: B's block, then one panel of A). Element (i, p) of op(A) is a[i·rsa + p·csa],
 * element (p, j) of op(B) is b[p·rsb + j·csb].
 */
void gemm_blocked(int m, int n, int k, float alpha, const float *a, int rsa, int csa,
                  const float *b, int rsb, int csb, float beta, float *c, int ldc, float *buf);

/*
 * The part of C = alpha·op(A)·op(B) + beta·C that thread `tid` of `nt` computes (columns when
 * there are enough, else rows), with that thread's pack buffer. Does not synchronise.
 */
void gemm_part(int tid, int nt, int m, int n, int k, float alpha, const float *a, int rsa,
               int csa, const float *b, int rsb, int csb, float beta, float *c, int ldc);

/* Thread `tid`'s pack buffer for gemm_blocked. */
float *gemm_buffer(int tid);

#endif
