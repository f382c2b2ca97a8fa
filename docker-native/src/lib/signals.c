#include "signals.h"

#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

void
dn_signals_reset_all (void)
{
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  /* The raw call reaches the signals glibc reserves; an all-zero kernel
   * sigaction is SIG_DFL with no flags and an empty mask on every layout. */
  unsigned long dfl[4];
  memset (dfl, 0, sizeof dfl);
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      syscall (SYS_rt_sigaction, sig, dfl, NULL, (size_t) 8); /* the kernel's sigset_t: 64 bits */
}
