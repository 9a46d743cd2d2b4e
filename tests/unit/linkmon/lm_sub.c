/* lm_sub: a test helper for it_linkmon.sh. Subscribes to the dispatcher's
 * PUB socket and prints one line per link.changed event
 * ("url old_state new_state check_id n_docs") until it has seen `want`
 * events or `seconds` have passed. Exit 0 when it saw `want` events. */
#include "vp_err.h"
#include "vp_proto.h"

#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int print_event(nng_msg *m)
{
	struct vp_msg env, lc;
	struct vp_event *ev;
	struct vp_link_changed *c;
	const char *body = nng_msg_body(m);
	size_t len = nng_msg_len(m);
	size_t tl = strnlen(body, len) + 1;
	int ok = 0;
	/* "topic\0" then the encoded event envelope */
	if (tl > len || strcmp(body, "link.changed") != 0)
		return 0;
	if (vp_msg_decode(&env, body + tl, len - tl, NULL, NULL) != VP_OK)
		return 0;
	ev = vp_msg_event(&env);
	if (ev != NULL && vp_msg_decode(&lc, ev->payload, ev->payload_len, NULL,
	                      NULL) == VP_OK) {
		c = vp_msg_link_changed(&lc);
		if (c != NULL && c->url != NULL) {
			printf("%s %s %s %llu %zu\n", c->url,
			    c->old_state ? c->old_state : "-",
			    c->new_state ? c->new_state : "-",
			    (unsigned long long)c->check_id, c->n_docs);
			fflush(stdout);
			ok = 1;
		}
		vp_msg_clear(&lc);
	}
	vp_msg_clear(&env);
	return ok;
}

int main(int argc, char **argv)
{
	nng_socket sub;
	long want, seconds, seen = 0;
	time_t end;
	if (argc != 4) {
		fprintf(stderr, "usage: lm_sub PUB_URL WANT SECONDS\n");
		return 2;
	}
	want = atol(argv[2]);
	seconds = atol(argv[3]);
	if (nng_sub0_open(&sub) != 0 ||
	    nng_socket_set(sub, NNG_OPT_SUB_SUBSCRIBE, "link.changed", 12) !=
	        0 ||
	    nng_socket_set_ms(sub, NNG_OPT_RECVTIMEO, 200) != 0 ||
	    nng_dial(sub, argv[1], NULL, NNG_FLAG_NONBLOCK) != 0) {
		fprintf(stderr, "lm_sub: cannot subscribe at %s\n", argv[1]);
		return 2;
	}
	/* a line on stderr once dialed: the test waits for it */
	fprintf(stderr, "lm_sub: subscribed\n");
	end = time(NULL) + seconds;
	while (seen < want && time(NULL) < end) {
		nng_msg *m;
		if (nng_recvmsg(sub, &m, 0) != 0)
			continue;
		seen += print_event(m);
		nng_msg_free(m);
	}
	nng_close(sub);
	return seen >= want ? 0 : 1;
}
