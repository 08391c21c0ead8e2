/* thread.h: the few threading primitives bounded-parallel image pulls need
 * (pthreads in lib/platform/posix/thread_posix.c, Win32 in lib/platform/windows/thread_windows.c). */
#ifndef ECSB_THREAD_H
#define ECSB_THREAD_H

#include "ecsb/base/error.h"

struct ecsb_thread;
struct ecsb_mutex;

enum ecsb_status ecsb_thread_start(struct ecsb_thread **out, void (*fn)(void *arg), void *arg,
                                   struct ecsb_error *err);
/* Waits for the thread to end and frees it. */
void ecsb_thread_join(struct ecsb_thread *t);

struct ecsb_mutex *ecsb_mutex_new(void); /* never NULL (aborts on OOM) */
void ecsb_mutex_lock(struct ecsb_mutex *m);
void ecsb_mutex_unlock(struct ecsb_mutex *m);
void ecsb_mutex_free(struct ecsb_mutex *m);

#endif
