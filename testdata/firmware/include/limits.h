/* Minimal <limits.h> for libfdt (the compiler's own one wants a C library). */
#ifndef FW_LIMITS_H
#define FW_LIMITS_H
#define CHAR_BIT 8
#define INT_MAX __INT_MAX__
#define INT_MIN (-INT_MAX - 1)
#define UINT_MAX (INT_MAX * 2U + 1U)
#endif
