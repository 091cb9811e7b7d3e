// Holds back asynchronous signals on the calling thread while oneDNN runs.
//
// Why: oneDNN's JIT f32 GEMM kernels (jit_avx_gemm_f32, jit_avx512_common_gemm_f32; every RNN
// primitive and dnnl_sgemm use them) point `rsp` at a heap workspace while they run. A signal
// delivered then gets its frame (ucontext + ~3 KB of AVX-512 xsave state) written by the kernel at
// that `rsp`, i.e. over the heap, and glibc aborts later ("corrupted size vs. prev_size while
// consolidating"). V8's sampling profiler (`node --cpu-prof`, SIGPROF every 1 ms) hit it on the
// first W1 step; SIGCHLD, SIGINT or SIGTERM landing on a kernel thread would do the same.
// Reproduced with oneDNN 2.6.3 alone (dnnl_sgemm in a loop under setitimer(ITIMER_PROF)), for
// AVX2 and AVX-512 code paths; upstream: uxlfoundation/oneDNN#4845, fixed by #4855 (2026), in no
// release Debian ships.
//
// Blocked signals stay pending and are delivered when the shield lifts, so a profiler sample or a
// Ctrl-C arrives a few milliseconds late instead of corrupting memory. OpenMP's worker threads are
// created inside a shielded call (the first parallel region) and inherit the blocked mask, so
// process-directed signals never pick them either. Faults (SIGSEGV, SIGBUS, …) stay unblocked:
// blocking a synchronous fault would only hide where it happened.
#pragma once

#include <pthread.h>
#include <signal.h>

class SignalShield {
 public:
  SignalShield() {
    sigset_t blocked;
    sigfillset(&blocked);
    for (int fault : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS}) {
      sigdelset(&blocked, fault);
    }
    pthread_sigmask(SIG_BLOCK, &blocked, &previous_);
  }
  ~SignalShield() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  SignalShield(const SignalShield &) = delete;
  SignalShield &operator=(const SignalShield &) = delete;

 private:
  sigset_t previous_;
};
