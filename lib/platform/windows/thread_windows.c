/* Threads and mutexes over Win32 (CreateThread, SRW locks). */
#include <windows.h>
#include <stdlib.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/thread.h"

struct ecsb_thread {
    HANDLE h;
    void (*fn)(void *);
    void *arg;
};

struct ecsb_mutex {
    SRWLOCK lock;
};

static DWORD WINAPI trampoline(LPVOID p)
{
    struct ecsb_thread *t = p;
    t->fn(t->arg);
    return 0;
}

enum ecsb_status ecsb_thread_start(struct ecsb_thread **out, void (*fn)(void *arg), void *arg, struct ecsb_error *err)
{
    struct ecsb_thread *t = ecsb_xcalloc(1, sizeof *t);
    t->fn = fn;
    t->arg = arg;
    t->h = CreateThread(NULL, 0, trampoline, t, 0, NULL);
    if (!t->h) {
        DWORD e = GetLastError();
        free(t);
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "could not start a thread (Windows error %lu)", (unsigned long)e);
    }
    *out = t;
    return ECSB_OK;
}

void ecsb_thread_join(struct ecsb_thread *t)
{
    if (!t) return;
    WaitForSingleObject(t->h, INFINITE);
    CloseHandle(t->h);
    free(t);
}

struct ecsb_mutex *ecsb_mutex_new(void)
{
    struct ecsb_mutex *m = ecsb_xcalloc(1, sizeof *m);
    InitializeSRWLock(&m->lock);
    return m;
}

void ecsb_mutex_lock(struct ecsb_mutex *m) { AcquireSRWLockExclusive(&m->lock); }
void ecsb_mutex_unlock(struct ecsb_mutex *m) { ReleaseSRWLockExclusive(&m->lock); }
void ecsb_mutex_free(struct ecsb_mutex *m) { free(m); }
