/* compiler.h: portable attributes. The Windows build uses mingw-w64's C99 stdio
 * (__USE_MINGW_ANSI_STDIO), so our printf-like functions take GNU formats
 * (%zu, %lld) there too. */
#ifndef ECSB_COMPILER_H
#define ECSB_COMPILER_H

#if defined(__MINGW32__)
#define ECSB_PRINTF(fmt, args) __attribute__((format(gnu_printf, fmt, args)))
#elif defined(__GNUC__)
#define ECSB_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define ECSB_PRINTF(fmt, args)
#endif

#endif
