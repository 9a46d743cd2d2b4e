/* The options and start-up every service binary shares. */
#include "vp_svc.h"

#include "vp_err.h"
#include "vp_log.h"
#include "vp_nng.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define M(m) VP_CFG_AT(struct vp_svc_cfg, m)
const struct vp_cfg_opt vp_svc_cfg_opts[] = {
    VP_OPT_CHOICE("log-level", M(log_level), "info",
        "debug|info|warn|error|off", "log level (JSON lines on stderr)"),
    VP_OPT_STR("admin-listen", M(admin_listen), "",
        "internal admin endpoint (/healthz /readyz /metrics), e.g. "
        "http://127.0.0.1:9100; empty = none"),
    VP_OPT_BOOL("health-check", M(health_check), "0",
        "probe the admin endpoint's /readyz and exit 0 (ready) or 1"),
    VP_OPT_STR("tls-ca", M(tls_ca), "",
        "tls+tcp:// sockets: PEM file of the certificate authorities every "
        "peer's certificate must chain to (mutual TLS)"),
    VP_OPT_STR("tls-cert", M(tls_cert), "",
        "tls+tcp:// sockets: PEM file with this process's certificate and "
        "its private key"),
    VP_OPT_STR("tls-server-name", M(tls_server_name), "",
        "tls+tcp:// dials: the DNS name the dispatcher's certificate must "
        "carry (default: the host of the URL)"),
    {.name = "help",
        .type = VP_CFG_BOOL,
        M(help),
        .def = "0",
        .help = "show this help",
        .shortopt = 'h'},
};
#undef M
const size_t vp_svc_cfg_n_opts =
    sizeof(vp_svc_cfg_opts) / sizeof(vp_svc_cfg_opts[0]);

int vp_svc_start(struct vp_svc_cfg *svc, const struct vp_cfg_table *t,
    size_t nt, int argc, char **argv, const char **pos, size_t max_pos,
    size_t *n_pos, const char *prog, const char *log_name, const char *about)
{
	struct vp_cfg_table all[16];
	int rv;
	if (nt + 1 > sizeof(all) / sizeof(all[0])) {
		fprintf(stderr, "%s: too many option tables\n", prog);
		return 2;
	}
	memcpy(all, t, nt * sizeof(*t));
	all[nt] =
	    (struct vp_cfg_table){vp_svc_cfg_opts, vp_svc_cfg_n_opts, svc};
	memset(svc, 0, sizeof(*svc));
	if ((rv = vp_cfg_main_tables(all, nt + 1, argc, argv, pos, max_pos,
	         n_pos, prog, about)) >= 0)
		return rv;
	if (svc->health_check)
		return vp_admin_health_check(prog, svc->admin_listen);
	vp_log_init(log_name, vp_log_level_parse(svc->log_level));
	vp_nng_tls_set(svc->tls_ca, svc->tls_cert, svc->tls_server_name);
	vp_svc_signals();
	return -1;
}

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig)
{
	stop_signal = sig;
}

void vp_svc_signals(void)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
}

int vp_svc_wait(void)
{
	while (!stop_signal)
		pause();
	return (int)stop_signal;
}

int vp_svc_admin_start(struct vp_admin **a, const struct vp_svc_cfg *svc,
    const char *prog, const struct vp_admin_ops *ops)
{
	char err[256];
	int rv;
	*a = NULL;
	if (svc->admin_listen == NULL || svc->admin_listen[0] == '\0')
		return VP_OK;
	if ((rv = vp_admin_start(
	         a, svc->admin_listen, prog, ops, err, sizeof(err))) != VP_OK)
		fprintf(stderr, "%s: %s\n", prog, err);
	return rv;
}
