/* The configuration table of struct disp_cfg: the dispatcher's options for
 * vp-dispatcher. Numbers take their defaults from disp_cfg_default. The
 * sockets listen on loopback unless told otherwise: whoever reaches the work
 * socket can take jobs (and read their documents), so exposing it is a
 * deployment's explicit choice (docker-compose.yml sets VP_*_LISTEN). */
#include "disp.h"

#define M(m) VP_CFG_AT(struct disp_cfg, m)
const struct vp_cfg_opt disp_cfg_opts[] = {
    VP_OPT_URL("api-listen", M(api_url), "tcp://127.0.0.1:7100",
        "API socket (clients)"),
    VP_OPT_URL("work-listen", M(work_url), "tcp://127.0.0.1:7101",
        "work socket (workers dial in and pull)"),
    VP_OPT_STR("pub-listen", M(pub_url), "tcp://127.0.0.1:7102",
        "event socket (PUB: link.changed, ...); empty = none"),
    VP_OPT_UINT("recv-max", M(recv_max), NULL, 1024, 1073741824,
        "largest message accepted, bytes"),
    VP_OPT_UINT("max-inflight", M(max_inflight), NULL, 1, 100000,
        "requests in progress; beyond: busy"),
    VP_OPT_UINT("work-slots", M(work_slots), NULL, 1, 100000,
        "worker contexts that can wait for work at once"),
    VP_OPT_UINT("queue-max", M(queue_max), NULL, 1, 10000000,
        "queued jobs per kind; beyond: busy"),
    VP_OPT_UINT("park-ms", M(park_ms), NULL, 10, 600000,
        "idle heartbeat period for waiting workers"),
    VP_OPT_UINT("lease-ms", M(lease_ms), NULL, 10, 86400000,
        "job lease; an unanswered job is re-queued after it"),
    VP_OPT_UINT("max-attempts", M(max_attempts), NULL, 1, 100,
        "attempts before a job fails for good"),
    VP_OPT_UINT("default-timeout-ms", M(default_timeout_ms), NULL, 100,
        86400000, "budget of a request that sets none"),
    VP_OPT_UINT("max-timeout-ms", M(max_timeout_ms), NULL, 100, 86400000,
        "cap on a request's budget, whatever the client asks"),
    VP_OPT_UINT(
        "check-batch", M(check_batch), NULL, 1, 10000, "URLs per check job"),
    VP_OPT_UINT("mem-budget", M(mem_budget), NULL, 65536, 68719476736,
        "bytes of requests held at once over all connections; beyond: busy"),
    VP_OPT_UINT("idle-ms", M(idle_ms), NULL, 100, 86400000,
        "API connections with no request for this long are closed"),
    VP_OPT_UINT("work-idle-ms", M(work_idle_ms), NULL, 100, 86400000,
        "work connections silent for this long (plus lease and park) are "
        "closed"),
};
#undef M
const size_t disp_cfg_n_opts = sizeof(disp_cfg_opts) / sizeof(disp_cfg_opts[0]);
