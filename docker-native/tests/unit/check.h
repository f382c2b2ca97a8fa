/* A minimal check macro for the C unit tests: each test binary returns the
 * number of failed checks, so 0 means pass. */
#ifndef DN_TEST_CHECK_H
#define DN_TEST_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond)                                                                                                    \
  do                                                                                                                   \
    {                                                                                                                  \
      if (!(cond))                                                                                                     \
        {                                                                                                              \
          fprintf (stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                                  \
          failures++;                                                                                                  \
        }                                                                                                              \
    }                                                                                                                  \
  while (0)

#endif
