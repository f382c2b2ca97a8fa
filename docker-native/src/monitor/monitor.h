/* Internal interfaces of berth-monitor; the CLI and socket protocol are
 * described at the top of main.c. One struct monitor exists per process and
 * every module works on it from the single-threaded epoll loop. */
#ifndef BERTH_MONITOR_H
#define BERTH_MONITOR_H

#include "error.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define STREAM_STDOUT 0
#define STREAM_STDERR 1

/* One --net-attach: a veth from a bridge into the container's namespace. */
struct net_attach
{
  char *bridge;
  char *host;   /* the host end's name */
  char *ifname; /* the name inside the container */
  struct in_addr addr;
  int prefix;
  bool has_addr;
  struct in_addr gateway;
  bool has_gateway;
  unsigned char mac[6];
  bool has_mac;
  int mtu; /* 0: the kernel's default */
  struct in_addr bridge_addr; /* with has_bridge_addr: make BR if missing, with this address */
  int bridge_prefix;
  bool has_bridge_addr;
};

struct watch;
struct monitor;
typedef void (*watch_cb) (struct monitor *m, struct watch *w, uint32_t events);

/* One fd in the epoll set; fd is -1 once closed. */
struct watch
{
  int fd;
  uint32_t events; /* the mask registered, 0 when not registered */
  bool registered;
  watch_cb cb;
};

/* One --publish: a host port relayed to the container. */
struct port_publish
{
  bool udp; /* else tcp */
  struct in_addr host_ip;
  uint16_t host_port;
  struct in_addr container_ip;
  uint16_t container_port;
  struct watch listen; /* tcp: the listening socket; udp: the bound socket replies leave from */
  size_t n_flows;      /* udp: client flows open */
};

struct monitor_options
{
  char *runtime;      /* absolute, or a bare name looked up in PATH */
  char *runtime_root; /* NULL: the runtime's default */
  char *bundle;
  char *id;
  char *log;
  char *exit_file;
  char *socket;
  char *pid_file; /* NULL: a temporary file next to the exit file */
  bool terminal;
  bool stdin_open;
  bool stdin_once;
  bool start;
  char **overlay_lower; /* NULL-terminated, absolute, lowest layer first as given; NULL: no overlay */
  char *overlay_upper;
  char *overlay_work;
  char *netns; /* where to bind the private network namespace; NULL: none */
  struct net_attach *attach; /* --net-attach, in order, then NET-ATTACH's; NET-DETACH removes */
  size_t n_attach;
  struct port_publish *publish; /* --publish */
  size_t n_publish;
  char *exec_process; /* exec mode: the OCI process file for `runtime exec`; NULL: container mode */
};


struct client;

/* The pipes made before the runtime runs: the ends the process gets, and our
 * read ends until they are watched. -1 when absent. */
struct pending_pipes
{
  int child_in, child_out, child_err;
  int out_r, err_r;
};

struct oom_probe
{
  char *path;    /* memory.oom_control (v1) or memory.events (v2); NULL if unknown */
  long long base; /* oom_kill count when the container was created */
};

struct monitor
{
  struct monitor_options opt;
  int epfd;
  int devnull;
  struct watch sig;    /* signalfd: SIGCHLD */
  struct watch timer;  /* timerfd: the drain and client-flush deadlines */
  struct watch listen; /* the attach socket */
  struct watch out[2]; /* stdout and stderr read ends; out[0] is the pty master with --terminal */
  struct watch in;     /* container stdin: pipe write end, or a dup of the pty master */
  int open_streams;

  /* stdin bytes a client sent that the container has not taken yet */
  char stdin_buf[16384];
  size_t stdin_len;
  bool stdin_close_pending; /* close the container's stdin once stdin_buf is empty */

  struct pending_pipes pipes;

  pid_t pid; /* container init, or the exec'd process */
  bool started, exited, finished, done;
  int status; /* waitpid status of the init */
  struct timespec started_at, finished_at;
  int timer_phase;

  struct client *clients;
  struct client *graveyard; /* dropped during one epoll batch, freed after it */
  bool output_paused;                  /* output unread while an attached client is too far behind */
  unsigned long long attach_sent;      /* bytes sent to attached clients, to tell slow from stuck */
  unsigned long long attach_sent_mark; /* attach_sent at the last drain deadline */

  int log_fd;
  struct oom_probe oom;

  bool overlay_mounted;
  bool rootfs_made; /* the monitor made <bundle>/rootfs, so it removes it again */
  bool netns_made;
};

/* loop.c */
int watch_set (struct monitor *m, struct watch *w, uint32_t events, dn_error_t *err);
void watch_unregister (struct monitor *m, struct watch *w);
void watch_close (struct monitor *m, struct watch *w);
int loop_init (struct monitor *m, dn_error_t *err);
void loop_run (struct monitor *m);
void loop_stream_closed (struct monitor *m);
void loop_child_exited (struct monitor *m);
/* Exec mode: a START whose `runtime exec` failed ends the monitor as if the process exited 126. */
void loop_exec_failed (struct monitor *m);

/* daemon.c */
void daemon_close_inherited_fds (void);
/* Forks the monitor (which runs RUN and exits with its status) and waits for its report. */
int daemon_launch (struct monitor_options *opt, int (*run) (struct monitor_options *opt, int sync_fd));
int daemon_detach (dn_error_t *err);
void daemon_report_ok (int sync_fd, pid_t pid);
void daemon_report_error (int sync_fd, dn_error_t *err);
int write_all (int fd, const void *data, size_t len);
/* Writes V in decimal with a NUL; returns the end (at the NUL). No printf: see exitfile.c. */
char *fmt_uint (char *out, unsigned long v);

/* runtime.c */
/* `runtime create`, or in exec mode `runtime exec --detach`, with the given
 * stdio; capture_fd is a read end holding the runtime's stderr. Sets m->pid. */
int runtime_launch (struct monitor *m, int child_in, int child_out, int child_err, int capture_fd,
                    const char *console_socket, dn_error_t *err);
/* Container mode: `runtime start`; exec mode: launches the process (stdio_launch). */
int runtime_start (struct monitor *m, dn_error_t *err);
void runtime_delete (struct monitor *m);
/* Undoes a launch the monitor cannot watch: delete the container, or kill the exec'd process. */
void runtime_abandon (struct monitor *m);

/* overlay.c: the rootfs as an overlayfs, mounted before create and gone after delete. */
int overlay_mount (struct monitor *m, dn_error_t *err);
void overlay_unmount (struct monitor *m);

/* netns.c: a private network namespace with lo up, bound on --netns PATH. */
int netns_create (struct monitor *m, dn_error_t *err);
void netns_remove (struct monitor *m);
/* NET-ATTACH SPEC and NET-DETACH VETH on the running (or created) container's namespace. */
int netns_attach (struct monitor *m, const char *spec, dn_error_t *err);
int netns_detach (struct monitor *m, const char *host, dn_error_t *err);

/* netattach.c: --net-attach, parsed, and applied on each side of the veth. */
int net_attach_parse (const char *spec, struct net_attach *a, dn_error_t *err);
void net_attach_free (struct net_attach *a);
/* REPLACE: delete a link named like the host end first (at launch it can only be our own leftover). */
int net_attach_host_side (const struct net_attach *a, int container_netns_fd, bool replace, dn_error_t *err);
int net_attach_container_side (const struct net_attach *a, dn_error_t *err);
void net_attach_remove (const struct net_attach *a);

/* portproxy.c: the userland proxy of --publish ports. */
int port_parse (const char *spec, struct port_publish *p, dn_error_t *err);
int ports_listen (struct monitor *m, dn_error_t *err);
void ports_close (struct monitor *m);
/* Frees the relays and flows ended during the last epoll batch. */
void ports_free_graveyard (void);

/* udpproxy.c: the udp ports, one connected socket per client address. */
int udp_listen (struct monitor *m, struct port_publish *p, dn_error_t *err);
void udp_close_all (struct monitor *m);
void udp_free_graveyard (void);

/* stdio.c */
/* Makes the pipes (none with --terminal), so stdin can be queued before the launch. */
int stdio_prepare (struct monitor *m, dn_error_t *err);
/* Runs runtime_launch with the process's ends and starts watching the output. */
int stdio_launch (struct monitor *m, dn_error_t *err);
void stdio_stdin_feed (struct monitor *m, const char *data, size_t len);
bool stdio_stdin_accepting (struct monitor *m);
bool stdio_has_stdin (struct monitor *m);
void stdio_close_stdin (struct monitor *m);
int stdio_resize (struct monitor *m, unsigned rows, unsigned cols, dn_error_t *err);
void stdio_close_streams (struct monitor *m);
void stdio_apply_backpressure (struct monitor *m);

/* logwriter.c */
int log_open (struct monitor *m, dn_error_t *err);
void log_output (struct monitor *m, int stream, const char *data, size_t len);
void log_finish (struct monitor *m, int stream);

/* attach.c */
int attach_listen (struct monitor *m, dn_error_t *err);
void attach_unlink (struct monitor *m);
void attach_broadcast (struct monitor *m, int stream, const char *data, size_t len);
void attach_stdin_resumed (struct monitor *m);
void attach_shutdown (struct monitor *m);
void attach_drop_all (struct monitor *m);
void attach_free_graveyard (struct monitor *m);
bool attach_backlogged (const struct monitor *m);

/* exitfile.c */
void oom_probe_init (struct monitor *m);
bool oom_probe_killed (struct monitor *m);
int exit_file_write (struct monitor *m, bool oom_killed, dn_error_t *err);
/* RFC3339Nano, or Go's zero time "0001-01-01T00:00:00Z" for a zero timespec. */
void format_time (char *out, const struct timespec *ts);

#endif
