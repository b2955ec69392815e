/*
 * What the fuzz harnesses share: libFuzzer's entry point, which both the
 * fuzzers (clang -fsanitize=fuzzer) and tests/fuzz/replay.c (make check)
 * call, and the check of a promise the code under test makes.
 */
#ifndef MB_FUZZ_H
#define MB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A broken promise aborts: libFuzzer keeps the input as a crash. */
#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: broken promise: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

#endif
