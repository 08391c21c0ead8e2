/* rusage: runs a command, waits for it with wait4 and appends one line to OUT:
 *   <wall ms> <user+sys CPU ms> <peak RSS KiB> <exit code>
 * The numbers are the command's own (plus children it waited for itself), never this
 * wrapper's, and never those of daemons it leaves behind: the agent the POSIX service
 * backend starts is not waited for by ecs-bootstrap, so it is not counted.
 * Written in C because a forked Python child would lend the command its own RSS
 * (Linux carries the pre-exec peak into ru_maxrss). POSIX only; built by run.sh. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: rusage OUT CMD [ARG...]\n", stderr);
        return 2;
    }
    double start = now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
        return 1;
    double wall = now_ms() - start;
    double cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    FILE *f = fopen(argv[1], "a");
    if (!f)
        return 1;
    fprintf(f, "%.2f %.2f %ld %d\n", wall, cpu, ru.ru_maxrss, code);
    fclose(f);
    return code;
}
