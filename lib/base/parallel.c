/* parallel.c: a bounded parallel-for over the thread seam (ecsb/base/thread.h). */
#include <stdlib.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/thread.h"

struct worker {
    size_t first, step, n;
    void (*fn)(void *ctx, size_t i);
    void *ctx;
};

static void run_worker(void *arg)
{
    const struct worker *w = arg;
    for (size_t i = w->first; i < w->n; i += w->step)
        w->fn(w->ctx, i);
}

void ecsb_parallel_for(size_t n, size_t max_threads, void (*fn)(void *ctx, size_t i), void *ctx)
{
    size_t k = max_threads < 1 ? 1 : max_threads;
    if (k > n)
        k = n;
    if (k <= 1) {
        for (size_t i = 0; i < n; i++)
            fn(ctx, i);
        return;
    }
    struct worker *w = ecsb_xcalloc(k, sizeof *w);
    struct ecsb_thread **t = ecsb_xcalloc(k, sizeof *t);
    for (size_t j = 0; j < k; j++) {
        w[j] = (struct worker){j, k, n, fn, ctx};
        struct ecsb_error e = {0};
        if (j > 0 && ecsb_thread_start(&t[j], run_worker, &w[j], &e) != ECSB_OK)
            t[j] = NULL;
    }
    run_worker(&w[0]); /* the calling thread is worker 0 */
    for (size_t j = 1; j < k; j++) {
        if (t[j])
            ecsb_thread_join(t[j]);
        else
            run_worker(&w[j]); /* no thread: do its share here */
    }
    free(t);
    free(w);
}
