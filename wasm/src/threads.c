#include "threads.h"
#include "common.h"
#include "gemm.h"

void thread_columns(int total, int tid, int nt, int *lo, int *hi) {
  int chunk = (total + nt - 1) / nt;
  chunk = (chunk + NR - 1) / NR * NR;
  *lo = imin(total, tid * chunk);
  *hi = imin(total, *lo + chunk);
}

void thread_rows(int total, int tid, int nt, int *lo, int *hi) {
  *lo = (int)((long)total * tid / nt);
  *hi = (int)((long)total * (tid + 1) / nt);
}

#ifdef RNN_THREADS

static int32_t arrived;
static int32_t generation;

/*
 * Sense-reversing counter barrier. Waiters spin briefly first: a recurrent step is tens of
 * microseconds, and a futex wake-up would cost about as much as the step.
 */
void barrier(int nt) {
  if (nt <= 1) return;
  int32_t gen = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
  if (__atomic_add_fetch(&arrived, 1, __ATOMIC_ACQ_REL) == nt) {
    __atomic_store_n(&arrived, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&generation, gen + 1, __ATOMIC_RELEASE);
    __builtin_wasm_memory_atomic_notify(&generation, (unsigned)-1);
    return;
  }
  for (int spin = 0; spin < 20000; spin++)
    if (__atomic_load_n(&generation, __ATOMIC_ACQUIRE) != gen) return;
  /*
   * A thread that never arrives (its worker died) would hang the trainer: after two minutes
   * without progress this traps, the call throws, and the engine drops to one thread.
   */
  int timeouts = 0;
  while (__atomic_load_n(&generation, __ATOMIC_ACQUIRE) == gen) {
    if (__builtin_wasm_memory_atomic_wait32(&generation, gen, 1000000000LL) == 2 && ++timeouts >= 120)
      __builtin_trap();
  }
}

#else

void barrier(int nt) { (void)nt; }

#endif
