/* Minimal <stdlib.h> for libfdt: it needs nothing from it at run time. */
#ifndef FW_STDLIB_H
#define FW_STDLIB_H
#include <stddef.h>
#endif
