/* thread.h: the smallest thread seam: start a function on its own thread and join
 * it, a mutex (pthreads in lib/platform/posix/thread_posix.c, Win32 in
 * lib/platform/windows/thread_windows.c), and a bounded parallel-for over them
 * (lib/base/parallel.c). */
#ifndef ECSB_BASE_THREAD_H
#define ECSB_BASE_THREAD_H

#include <stddef.h>

#include "ecsb/base/error.h"

struct ecsb_thread;
struct ecsb_mutex;

/* Starts fn(arg) on a new thread. ECSB_ERR_PLATFORM when the OS refuses. */
enum ecsb_status ecsb_thread_start(struct ecsb_thread **out, void (*fn)(void *arg), void *arg,
                                   struct ecsb_error *err);
/* Waits for the thread to finish and frees it. */
void ecsb_thread_join(struct ecsb_thread *t);

struct ecsb_mutex *ecsb_mutex_new(void); /* never NULL (aborts on OOM) */
void ecsb_mutex_lock(struct ecsb_mutex *m);
void ecsb_mutex_unlock(struct ecsb_mutex *m);
void ecsb_mutex_free(struct ecsb_mutex *m);

/* Runs fn(ctx, i) for every i in [0, n) on at most max_threads threads at once
 * (worker k takes k, k + workers, ...: items of similar cost need no queue or
 * lock). fn must only touch item i's own state. Falls back to running the rest
 * on the calling thread when a thread cannot be started. */
void ecsb_parallel_for(size_t n, size_t max_threads, void (*fn)(void *ctx, size_t i), void *ctx);

#endif
