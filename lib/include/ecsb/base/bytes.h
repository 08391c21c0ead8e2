/* bytes.h: sums of byte counts that come from outside (a pull stream, the rows of the
 * progress view): they saturate at INT64_MAX instead of overflowing, whatever counts
 * and however many layers or images a stream names. */
#ifndef ECSB_BASE_BYTES_H
#define ECSB_BASE_BYTES_H

#include <stdint.h>

/* a + b for a, b >= 0, at most INT64_MAX. */
static inline int64_t ecsb_bytes_add(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

#endif
