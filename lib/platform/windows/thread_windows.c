/* thread_windows.c: the thread seam over Win32 threads. */
#include <windows.h>

#include <stdlib.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/thread.h"

struct ecsb_thread {
    HANDLE handle;
    void (*fn)(void *arg);
    void *arg;
};

static DWORD WINAPI trampoline(LPVOID p)
{
    struct ecsb_thread *t = p;
    t->fn(t->arg);
    return 0;
}

enum ecsb_status ecsb_thread_start(struct ecsb_thread **out, void (*fn)(void *arg), void *arg,
                                   struct ecsb_error *err)
{
    struct ecsb_thread *t = ecsb_xcalloc(1, sizeof *t);
    t->fn = fn;
    t->arg = arg;
    t->handle = CreateThread(NULL, 0, trampoline, t, 0, NULL);
    if (!t->handle) {
        DWORD e = GetLastError();
        free(t);
        *out = NULL;
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "cannot start a thread (Windows error %lu)", (unsigned long)e);
    }
    *out = t;
    return ECSB_OK;
}

void ecsb_thread_join(struct ecsb_thread *t)
{
    if (!t)
        return;
    WaitForSingleObject(t->handle, INFINITE);
    CloseHandle(t->handle);
    free(t);
}
