/* Threads and mutexes over pthreads. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/thread.h"

struct ecsb_thread {
    pthread_t t;
    void (*fn)(void *);
    void *arg;
};

struct ecsb_mutex {
    pthread_mutex_t m;
};

static void *trampoline(void *p)
{
    struct ecsb_thread *t = p;
    t->fn(t->arg);
    return NULL;
}

enum ecsb_status ecsb_thread_start(struct ecsb_thread **out, void (*fn)(void *arg), void *arg, struct ecsb_error *err)
{
    struct ecsb_thread *t = ecsb_xcalloc(1, sizeof *t);
    t->fn = fn;
    t->arg = arg;
    int rc = pthread_create(&t->t, NULL, trampoline, t);
    if (rc) {
        free(t);
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "could not start a thread: %s", strerror(rc));
    }
    *out = t;
    return ECSB_OK;
}

void ecsb_thread_join(struct ecsb_thread *t)
{
    if (!t) return;
    pthread_join(t->t, NULL);
    free(t);
}

struct ecsb_mutex *ecsb_mutex_new(void)
{
    struct ecsb_mutex *m = ecsb_xcalloc(1, sizeof *m);
    pthread_mutex_init(&m->m, NULL);
    return m;
}

void ecsb_mutex_lock(struct ecsb_mutex *m) { pthread_mutex_lock(&m->m); }
void ecsb_mutex_unlock(struct ecsb_mutex *m) { pthread_mutex_unlock(&m->m); }

void ecsb_mutex_free(struct ecsb_mutex *m)
{
    if (!m) return;
    pthread_mutex_destroy(&m->m);
    free(m);
}
