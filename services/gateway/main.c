/* vp-gateway: the HTTP/JSON API of a Vindplaats deployment (POST
 * /v1/resolve, /v1/parse, /v1/check; /healthz, /readyz, /metrics), a client
 * of the dispatcher's API. */
#include "gw.h"
#include "vp_err.h"
#include "vp_log.h"
#include "vp_svc.h"

#include <stdio.h>
#include <sys/resource.h>

int main(int argc, char **argv)
{
	struct vp_svc_cfg svc;
	struct gw_cfg gc;
	struct gw *g;
	const struct vp_cfg_table tables[] = {
	    {gw_connect_opts, gw_connect_n_opts, &gc},
	    {gw_cfg_opts, gw_cfg_n_opts, &gc},
	};
	char err[256];
	int rv;

	gw_cfg_default(&gc);

	if ((rv = vp_svc_start(&svc, tables, 2, argc, argv, NULL, 0, NULL,
	         "vp-gateway", "vp-gateway",
	         "the HTTP/JSON API of Vindplaats: POST /v1/resolve, "
	         "/v1/parse, /v1/check (see services/gateway/README.md)")) >= 0)
		return rv;
	/* connections are file descriptors: as many as the system allows */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((rv = gw_start(&g, &gc, err, sizeof(err))) != VP_OK) {
		fprintf(stderr, "vp-gateway: %s\n", err);
		return rv == VP_EINVAL ? 2 : 1;
	}
	VP_INFO("serving HTTP on %s (port %u), dispatcher %s", gc.listen,
	    (unsigned)gw_port(g), gc.connect);
	/* the admin endpoint like every service (VP_ADMIN_LISTEN, e.g. set for
	 * all by the image), beside the same paths on the HTTP port */
	struct vp_admin *admin = NULL;
	struct vp_admin_ops ops = {gw_ready, gw_metrics, g};
	if (vp_svc_admin_start(&admin, &svc, "vp-gateway", &ops) != VP_OK) {
		gw_stop(g);
		return 2;
	}
	printf("port=%u\n", (unsigned)gw_port(g));
	fflush(stdout);
	int sig = vp_svc_wait();
	VP_INFO("stopping on signal %d", sig);
	vp_admin_stop(admin);
	gw_stop(g);
	return 0;
}
