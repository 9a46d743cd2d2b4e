/* vp_svc.h - what every service binary shares at its start: the options
 * log-level, admin-listen, health-check and help (one table), and the
 * start-up that loads a service's tables, answers --help and
 * --health-check, and opens the log. */
#ifndef VP_SVC_H
#define VP_SVC_H

#include <stddef.h>

#include "vp_admin.h"
#include "vp_cfg.h"

struct vp_svc_cfg {
	const char *log_level;    /* debug|info|warn|error|off */
	const char *admin_listen; /* http://host:port of /healthz etc.; "" */
	int health_check;         /* probe admin_listen's /readyz and exit */
	const char *tls_ca;       /* PEM CAs for tls+tcp:// peers, or "" */
	const char *tls_cert;     /* PEM certificate + key for tls+tcp://, "" */
	const char *tls_server_name; /* DNS name the dispatcher's cert has */
	int help;
};

extern const struct vp_cfg_opt vp_svc_cfg_opts[];
extern const size_t vp_svc_cfg_n_opts;

/* The start of a service's main(): loads the tables t[0..nt) followed by
 * the shared table into *svc (see vp_cfg_main_tables; pos may be NULL),
 * answers --help and --health-check, opens the log as log_name and installs
 * the signal handlers (see vp_svc_signals). Returns -1 to go on, or the
 * process exit status. */
int vp_svc_start(struct vp_svc_cfg *svc, const struct vp_cfg_table *t,
    size_t nt, int argc, char **argv, const char **pos, size_t max_pos,
    size_t *n_pos, const char *prog, const char *log_name, const char *about);

/* Starts the admin endpoint when svc->admin_listen is set (*a stays NULL
 * otherwise). Returns VP_OK, or an error after a message on stderr naming
 * prog. */
int vp_svc_admin_start(struct vp_admin **a, const struct vp_svc_cfg *svc,
    const char *prog, const struct vp_admin_ops *ops);

/* Ignores SIGPIPE (a peer gone is an error return, not a death) and notes
 * SIGINT and SIGTERM for vp_svc_wait. */
void vp_svc_signals(void);

/* Sleeps until SIGINT or SIGTERM has arrived (since vp_svc_signals);
 * returns its number. */
int vp_svc_wait(void);

#endif
