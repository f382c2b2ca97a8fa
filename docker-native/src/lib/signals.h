/* Signal state a new process must not inherit: blocked and ignored signals
 * survive execve, so whatever launched us would otherwise leak into the
 * runtime or the container. */
#ifndef DN_SIGNALS_H
#define DN_SIGNALS_H

/* Unblocks every signal and sets every disposition to SIG_DFL, including
 * the two glibc keeps for itself (32 and 33), which signal(2) refuses. */
void dn_signals_reset_all (void);

#endif
