/*
 * Synchronisation between the threads that run one call (the main thread and its workers, each
 * with its own instance of the module over one shared memory). In the single-threaded build
 * the barrier is a no-op.
 */
#ifndef RNN_THREADS_H
#define RNN_THREADS_H

/* Waits until all `nt` threads of the call have arrived. */
void barrier(int nt);

/* Columns [*lo, *hi) of `total` owned by thread `tid` of `nt`: whole NR-column panels. */
void thread_columns(int total, int tid, int nt, int *lo, int *hi);

/* Batch rows [*lo, *hi) of `total` owned by thread `tid` of `nt`: as even as possible. */
void thread_rows(int total, int tid, int nt, int *lo, int *hi);

#endif
