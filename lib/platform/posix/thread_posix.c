/* thread_posix.c: the thread seam over pthreads. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/thread.h"

struct ecsb_thread {
    pthread_t id;
    void (*fn)(void *arg);
    void *arg;
};

static void *trampoline(void *p)
{
    struct ecsb_thread *t = p;
    t->fn(t->arg);
    return NULL;
}

enum ecsb_status ecsb_thread_start(struct ecsb_thread **out, void (*fn)(void *arg), void *arg,
                                   struct ecsb_error *err)
{
    struct ecsb_thread *t = ecsb_xcalloc(1, sizeof *t);
    t->fn = fn;
    t->arg = arg;
    int rc = pthread_create(&t->id, NULL, trampoline, t);
    if (rc != 0) {
        free(t);
        *out = NULL;
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "cannot start a thread: %s", strerror(rc));
    }
    *out = t;
    return ECSB_OK;
}

void ecsb_thread_join(struct ecsb_thread *t)
{
    if (!t)
        return;
    pthread_join(t->id, NULL);
    free(t);
}
