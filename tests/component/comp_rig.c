/* The component tests' shared set-up (comp_rig.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "comp_rig.h"

#include "vp_err.h"
#include "vp_nng.h"

#include <nng/protocol/reqrep0/req.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct disp *rig_disp(struct disp_cfg *dc, char *api, char *work, bool tcp)
{
	static unsigned seq;
	struct disp *d = NULL;
	char err[256];
	for (int tries = 0; d == NULL && tries < 20; tries++) {
		unsigned n = ++seq;
		if (tcp) {
			int port =
			    20000 +
			    (int)((getpid() * 11 + n * 257 + tries * 131) %
			          30000);
			snprintf(api, 128, "tcp://127.0.0.1:%d", port);
			snprintf(work, 128, "tcp://127.0.0.1:%d", port + 1);
		} else {
			snprintf(api, 128, "inproc://rig-%d-%u-api",
			    (int)getpid(), n);
			snprintf(work, 128, "inproc://rig-%d-%u-work",
			    (int)getpid(), n);
		}
		dc->api_url = api;
		dc->work_url = work;
		if (disp_start(&d, dc, err, sizeof(err)) != VP_OK)
			d = NULL;
	}
	assert_non_null(d);
	return d;
}

struct vp_worker *rig_worker(const char *url, const char *kind, vp_job_fn fn,
    void *arg, uint32_t park_ms)
{
	struct vp_worker_cfg wc;
	struct vp_worker *w;
	char err[256];
	memset(&wc, 0, sizeof(wc));
	wc.url = url;
	wc.kind = kind;
	wc.contexts = 1;
	wc.recv_max = 80u << 20;
	wc.park_ms = park_ms;
	wc.fn = fn;
	wc.arg = arg;
	assert_int_equal(vp_worker_start(&w, &wc, err, sizeof(err)), VP_OK);
	return w;
}

char *rig_example(size_t *len)
{
	FILE *f = fopen(VP_EXAMPLE, "rb");
	char *buf = malloc(1 << 20);
	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

void rogue_open(struct rogue *g, const char *url)
{
	char err[256];
	assert_int_equal(nng_req0_open(&g->sock), 0);
	nng_socket_set_ms(
	    g->sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
	assert_int_equal(
	    vp_nng_dial(g->sock, url, 1 << 24, err, sizeof(err)), VP_OK);
	assert_int_equal(nng_ctx_open(&g->ctx, g->sock), 0);
	assert_int_equal(nng_aio_alloc(&g->aio, NULL, NULL), 0);
}

void rogue_close(struct rogue *g)
{
	nng_aio_free(g->aio);
	nng_close(g->sock);
}
