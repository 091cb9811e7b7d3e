/*
 * Shared definitions for the freestanding WebAssembly SIMD kernels: no libc, no emscripten.
 * Built twice (see scripts/build-wasm.js): with RNN_RELAXED for runtimes that validate relaxed SIMD
 * (f32x4.relaxed_madd becomes one FMA on x86 with FMA3), and without for plain SIMD, which is what
 * Node 20's V8 11.3 accepts without --experimental-wasm-relaxed-simd.
 */
#ifndef RNN_COMMON_H
#define RNN_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <wasm_simd128.h>

#define INLINE static inline __attribute__((always_inline))
#define EXPORT(name) __attribute__((export_name(#name)))

typedef float f32x4 __attribute__((vector_size(16)));

/* a·b + c. Relaxed madd may or may not round once (FMA); both are within the tests' 1e-4. */
INLINE v128_t madd(v128_t a, v128_t b, v128_t c) {
#ifdef RNN_RELAXED
  return (v128_t)__builtin_wasm_relaxed_madd_f32x4((f32x4)a, (f32x4)b, (f32x4)c);
#else
  return wasm_f32x4_add(wasm_f32x4_mul(a, b), c);
#endif
}

/* Threads that can work on one call: the main thread plus workers in the shared-memory build. */
#ifdef RNN_THREADS
#define MAX_THREADS 4
#else
#define MAX_THREADS 1
#endif

INLINE int imin(int a, int b) { return a < b ? a : b; }
INLINE int imax(int a, int b) { return a > b ? a : b; }

#endif
