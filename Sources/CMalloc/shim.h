#ifndef EXECLOG_CMALLOC_SHIM_H
#define EXECLOG_CMALLOC_SHIM_H

// glibc's malloc extensions (malloc_trim, mallinfo2), which Swift's Glibc module does not import:
// the emitter gives freed heap back with them, and its tests check its memory estimate against them.
#include <malloc.h>

#endif
