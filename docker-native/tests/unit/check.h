/* The check macro of the C unit tests: each test binary returns non-zero when
 * any check failed, so 0 means pass. An optional printf-style message says
 * more about the values involved. */
#ifndef DN_TEST_CHECK_H
#define DN_TEST_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond, ...)                                                                                               \
  do                                                                                                                   \
    {                                                                                                                  \
      if (!(cond))                                                                                                     \
        {                                                                                                              \
          fprintf (stderr, "%s:%d: check failed: %s", __FILE__, __LINE__, #cond);                                    \
          __VA_OPT__ (fprintf (stderr, ": "); fprintf (stderr, __VA_ARGS__);)                                          \
          fputc ('\n', stderr);                                                                                        \
          failures++;                                                                                                  \
        }                                                                                                              \
    }                                                                                                                  \
  while (0)

#endif
