/* The epoll loop and the end of a container: reaping children through a
 * signalfd, draining output after the init exits, then recording the exit,
 * deleting the container, and letting attached clients flush. */
#include "monitor.h"
#include "cleanup.h"

#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

/* After the init exits, output still held open by a stray process (no pid
 * namespace) is given this long before the exit is recorded anyway. */
#define DRAIN_TIMEOUT_MS 2000
/* Attached clients get this long to take their last output. */
#define FLUSH_TIMEOUT_MS 5000

enum
{
  PHASE_NONE,
  PHASE_DRAIN,
  PHASE_FLUSH
};

int
watch_set (struct monitor *m, struct watch *w, uint32_t events, dn_error_t *err)
{
  if (w->fd < 0 || (w->registered && w->events == events))
    return 0;
  struct epoll_event ev = { .events = events, .data.ptr = w };
  if (epoll_ctl (m->epfd, w->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, w->fd, &ev) < 0)
    return dn_make_error (err, errno, "epoll_ctl");
  w->registered = true;
  w->events = events;
  return 0;
}

void
watch_unregister (struct monitor *m, struct watch *w)
{
  if (w->fd >= 0 && w->registered)
    epoll_ctl (m->epfd, EPOLL_CTL_DEL, w->fd, NULL);
  w->registered = false;
  w->events = 0;
}

void
watch_close (struct monitor *m, struct watch *w)
{
  watch_unregister (m, w);
  close_and_reset (&w->fd);
}

static void
timer_arm (struct monitor *m, int phase, long ms)
{
  struct itimerspec its = { .it_value = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L } };
  m->timer_phase = phase;
  timerfd_settime (m->timer.fd, 0, &its, NULL);
}

/* Records the exit and releases everything but the attached clients. */
static void
finish (struct monitor *m)
{
  if (m->finished)
    return;
  m->finished = true;
  timer_arm (m, PHASE_NONE, 0);

  stdio_close_streams (m);
  stdio_close_stdin (m);
  /* The cgroup, and with it the OOM count, goes away with the runtime's delete. */
  bool oom = oom_probe_killed (m);
  /* An exec'd process ending leaves its container running. */
  if (m->opt.exec_process == NULL)
    runtime_delete (m);
  /* After the delete, so no process of the container still uses them (MNT_DETACH covers stragglers). */
  overlay_unmount (m);
  ports_close (m);
  netns_remove (m);
  attach_unlink (m);
  /* Last, so an engine that sees the exit file may reuse the id and socket at once. */
  dn_error_t err = NULL;
  if (exit_file_write (m, oom, &err) < 0)
    dn_error_release (&err);

  attach_shutdown (m);
  if (m->clients)
    timer_arm (m, PHASE_FLUSH, FLUSH_TIMEOUT_MS);
}

void
loop_stream_closed (struct monitor *m)
{
  if (m->exited && m->open_streams == 0)
    finish (m);
}

void
loop_child_exited (struct monitor *m)
{
  if (m->open_streams == 0)
    finish (m);
  else
    timer_arm (m, PHASE_DRAIN, DRAIN_TIMEOUT_MS);
}

void
loop_exec_failed (struct monitor *m)
{
  if (m->exited)
    return;
  m->exited = true;
  m->status = 126 << 8; /* a wait status: exited with 126, Docker's "could not be invoked" */
  clock_gettime (CLOCK_REALTIME, &m->finished_at);
  loop_child_exited (m);
}

static void
reap (struct monitor *m)
{
  for (;;)
    {
      int status;
      pid_t pid = waitpid (-1, &status, WNOHANG);
      if (pid <= 0)
        return;
      /* Other children are the runtime's leftovers, reparented to us as subreaper. */
      if (pid == m->pid && !m->exited)
        {
          m->exited = true;
          m->status = status;
          clock_gettime (CLOCK_REALTIME, &m->finished_at);
          loop_child_exited (m);
        }
    }
}

static void
signal_ready (struct monitor *m, struct watch *w, uint32_t events)
{
  (void) events;
  struct signalfd_siginfo si;
  while (read (w->fd, &si, sizeof si) == sizeof si)
    ;
  reap (m);
}

static void
timer_ready (struct monitor *m, struct watch *w, uint32_t events)
{
  (void) events;
  uint64_t ticks;
  if (read (w->fd, &ticks, sizeof ticks) != sizeof ticks)
    return;
  if (m->timer_phase == PHASE_DRAIN)
    {
      /* Output held back for a slow client is still coming: wait while that client keeps reading. */
      if (m->output_paused && m->attach_sent != m->attach_sent_mark)
        {
          m->attach_sent_mark = m->attach_sent;
          timer_arm (m, PHASE_DRAIN, DRAIN_TIMEOUT_MS);
          return;
        }
      finish (m);
    }
  else if (m->timer_phase == PHASE_FLUSH)
    attach_drop_all (m);
}

int
loop_init (struct monitor *m, dn_error_t *err)
{
  m->epfd = epoll_create1 (EPOLL_CLOEXEC);
  if (m->epfd < 0)
    return dn_make_error (err, errno, "epoll_create1");

  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, SIGCHLD);
  if (sigprocmask (SIG_BLOCK, &set, NULL) < 0)
    return dn_make_error (err, errno, "sigprocmask");
  m->sig.fd = signalfd (-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (m->sig.fd < 0)
    return dn_make_error (err, errno, "signalfd");
  m->sig.cb = signal_ready;
  if (watch_set (m, &m->sig, EPOLLIN, err) < 0)
    return -1;

  m->timer.fd = timerfd_create (CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (m->timer.fd < 0)
    return dn_make_error (err, errno, "timerfd_create");
  m->timer.cb = timer_ready;
  return watch_set (m, &m->timer, EPOLLIN, err);
}

void
loop_run (struct monitor *m)
{
  /* The init may have exited before the loop, while SIGCHLD was only pending. */
  reap (m);
  while (!(m->finished && m->clients == NULL))
    {
      struct epoll_event evs[16];
      int n = epoll_wait (m->epfd, evs, 16, -1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          /* Cannot wait any more: record what we know rather than vanish. */
          finish (m);
          attach_drop_all (m);
          break;
        }
      for (int i = 0; i < n; i++)
        {
          struct watch *w = evs[i].data.ptr;
          if (w->fd >= 0)
            w->cb (m, w, evs[i].events);
        }
      attach_free_graveyard (m);
      ports_free_graveyard ();
    }
  attach_free_graveyard (m);
  ports_free_graveyard ();
}
