/* The configuration table of struct vp_worker_cfg: the options every worker
 * process has (vp-splitter, vp-parser, vp-fetcher). */
#include "vp_limits.h"
#include "vp_worker.h"

#define M(m) VP_CFG_AT(struct vp_worker_cfg, m)
const struct vp_cfg_opt vp_worker_cfg_opts[] = {
    VP_OPT_URL("dispatcher", M(url), "tcp://127.0.0.1:7101",
        "dispatcher work socket to dial"),
    VP_OPT_UINT("contexts", M(contexts), "4", 1, 1024,
        "jobs this process works on at once"),
    VP_OPT_UINT("recv-max", M(recv_max), VP_STRINGIFY(VP_MSG_MAX_BYTES), 1024,
        1073741824, "largest message accepted, bytes"),
    VP_OPT_UINT("delay-ms", M(delay_ms), "0", 0, 600000,
        "fault injection for tests: sleep before every job"),
    VP_OPT_UINT("park-ms", M(park_ms), VP_STRINGIFY(VP_PARK_MS), 10, 600000,
        "the dispatcher's idle heartbeat period (same VP_PARK_MS)"),
    VP_OPT_STR("name", M(name), NULL, "worker name in logs (default kind@pid)"),
};
#undef M
const size_t vp_worker_cfg_n_opts =
    sizeof(vp_worker_cfg_opts) / sizeof(vp_worker_cfg_opts[0]);
