/* The configuration table of struct mon_cfg: the link monitor's options for
 * vp-linkmon. Numbers take their defaults from mon_cfg_default and
 * mon_policy_default. */
#include "mon_svc.h"

#define M(m) VP_CFG_AT(struct mon_cfg, m)
const struct vp_cfg_opt mon_cfg_opts[] = {
    VP_OPT_URL("dispatcher", M(work_url), "tcp://127.0.0.1:7101",
        "dispatcher work socket (requests come from here)"),
    VP_OPT_URL("api", M(api_url), "tcp://127.0.0.1:7100",
        "dispatcher API (checks go there, events too)"),
    VP_OPT_STR("linkmon-db", M(db), "linkmon.db",
        "store: SQLite file, or a PostgreSQL conninfo "
        "(postgresql://... or host=... dbname=...)"),
    VP_OPT_UINT("contexts", M(contexts), NULL, 1, 64,
        "worker contexts answering watch/report/history"),
    VP_OPT_UINT("batch", M(batch), NULL, 1, 10000, "sources checked per round"),
    VP_OPT_UINT("per-host", M(per_host), NULL, 0, 10000,
        "at most this many sources of one host per round (0 = no cap)"),
    VP_OPT_UINT("tick-ms", M(tick_ms), "1000", 10, 3600000,
        "pause between rounds when nothing more is due"),
    VP_OPT_UINT("check-timeout", M(check_timeout_ms), NULL, 100, 3600000,
        "budget of one round's checks in ms"),
    VP_OPT_UINT("confirmations", M(policy.confirmations), NULL, 1, 100,
        "failed checks before a source is declared dead"),
    VP_OPT_UINT("confirm-gap", M(policy.confirm_gap), NULL, 0, 31536000,
        "seconds between failures that count separately"),
    VP_OPT_UINT("min-interval", M(policy.min_interval), NULL, 1, 31536000,
        "re-check interval after a change (s)"),
    VP_OPT_UINT("max-interval", M(policy.max_interval), NULL, 1, 315360000,
        "longest re-check interval of a stable source (s)"),
    VP_OPT_UINT("growth", M(policy.growth_pct), NULL, 100, 1000,
        "interval growth per stable check, percent"),
    VP_OPT_UINT("jitter", M(policy.jitter_pct), NULL, 0, 50,
        "jitter of each interval, +- percent"),
    VP_OPT_UINT("spread", M(policy.spread), NULL, 0, 86400,
        "first checks of new sources spread over this many seconds"),
    VP_OPT_UINT("lease", M(policy.lease), NULL, 10, 86400,
        "a claimed source is due again after this (crash recovery)"),
    VP_OPT_UINT("respread", M(respread), NULL, 0, 86400,
        "at start, spread overdue sources over this many seconds"),
    VP_OPT_BOOL("archive", M(archive), NULL,
        "look up archived copies of dead and drifted sources"),
};
#undef M
const size_t mon_cfg_n_opts = sizeof(mon_cfg_opts) / sizeof(mon_cfg_opts[0]);
