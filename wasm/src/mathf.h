/*
 * exp, sigmoid and tanh on f32x4 without libm: Cephes' single-precision expf (about 1–2 ulp), and
 * sigmoid and tanh from it, far inside the 1e-4 relative agreement the kernels are tested to. The
 * same formulas run in the vector bodies and the scalar tails, so results do not depend on where
 * a thread's units start.
 */
#ifndef RNN_MATHF_H
#define RNN_MATHF_H

#include "common.h"

#define SPLAT(v) wasm_f32x4_splat(v)

/* Polynomial steps stay mul+add even in the relaxed build so the two builds differ only in GEMM. */
INLINE v128_t poly_step(v128_t y, v128_t x, float c) {
  return wasm_f32x4_add(wasm_f32x4_mul(y, x), SPLAT(c));
}

/*
 * e^x. The input is clamped to [−87.3, 88] so 2^n stays a normal float (n ∈ [−126, 127]): the
 * clamp only changes results that are already at the edge of float range (≥ 1.6e38 or ≤ 1.2e−38).
 * pmin/pmax and the 1.5·2²³ rounding trick instead of f32x4.min/max, nearest and trunc_sat:
 * those carry NaN and overflow rules V8 spells out in several instructions each (exp was ~50
 * cycles per vector with them).
 */
INLINE v128_t v_exp(v128_t x) {
  x = wasm_f32x4_pmin(x, SPLAT(88.0f));
  x = wasm_f32x4_pmax(x, SPLAT(-87.3f));
  /* Adding 1.5·2²³ rounds x·log2(e) to an integer n held in the low mantissa bits. */
  v128_t t = wasm_f32x4_add(wasm_f32x4_mul(x, SPLAT(1.44269504088896341f)), SPLAT(12582912.0f));
  v128_t fx = wasm_f32x4_sub(t, SPLAT(12582912.0f));
  /* Cody–Waite: ln 2 split so fx·C1 is exact for |fx| ≤ 128. */
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(fx, SPLAT(0.693359375f)));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(fx, SPLAT(-2.12194440e-4f)));
  v128_t z = wasm_f32x4_mul(x, x);
  v128_t y = SPLAT(1.9875691500e-4f);
  y = poly_step(y, x, 1.3981999507e-3f);
  y = poly_step(y, x, 8.3334519073e-3f);
  y = poly_step(y, x, 4.1665795894e-2f);
  y = poly_step(y, x, 1.6666665459e-1f);
  y = poly_step(y, x, 5.0000001201e-1f);
  y = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(y, z), x), SPLAT(1.0f));
  /* t's low bits are n in two's complement; (n + 127) << 23 keeps just the exponent field. */
  v128_t pow2n = wasm_i32x4_shl(wasm_i32x4_add(t, wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(y, pow2n);
}

/* 1 / (1 + e^−x), exactly the recurrent activation tfjs-layers uses for 'sigmoid'. */
INLINE v128_t v_sigmoid(v128_t x) {
  return wasm_f32x4_div(SPLAT(1.0f), wasm_f32x4_add(SPLAT(1.0f), v_exp(wasm_f32x4_neg(x))));
}

/*
 * tanh(x) = 2σ(2x) − 1: one exp and one division, half the cost of Cephes' two-branch tanhf.
 * Its absolute error is a few 1e−8 everywhere (relative error grows only for |tanh| ≪ 1e−3,
 * where absolute error is what training and the tests' max(1, |ref|) metric see), and it
 * saturates cleanly to ±1 because e^{−2x} is clamped, never inf/inf.
 */
INLINE v128_t v_tanh(v128_t x) {
  v128_t e = v_exp(wasm_f32x4_mul(x, SPLAT(-2.0f)));
  return wasm_f32x4_sub(wasm_f32x4_div(SPLAT(2.0f), wasm_f32x4_add(SPLAT(1.0f), e)), SPLAT(1.0f));
}

#endif
