/* mon.h - the link monitor's domain: source states, the link-status policy,
 * the scheduler (pure functions over C structs, `now` passed in), and the
 * store interface with its SQLite and PostgreSQL implementations.
 * Times are Unix seconds (int64_t); 0 means "never". */
#ifndef MON_H
#define MON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vp_proto.h"

/* ---- states and policy ---------------------------------------------------
 * new      watched, never conclusively checked
 * ok       reachable, content as when first seen (the baseline)
 * drifted  reachable, but its fingerprint differs from the baseline
 * failing  failed, not (yet) confirmed dead
 * dead     failed `confirmations` times, each at least `confirm_gap` apart */
enum mon_state {
	MON_NEW = 0,
	MON_OK,
	MON_DRIFTED,
	MON_FAILING,
	MON_DEAD,
	MON_STATE__COUNT
};

/* What a check status means to the monitor: its class in the status table
 * of proto/messages.def. Only a broken status is a failure; unverifiable
 * ones (timeout, blocked, error, unverified, ...) are NEUTRAL. */
enum mon_class { MON_C_REACH, MON_C_FAIL, MON_C_NEUTRAL };

struct mon_policy {
	uint32_t confirmations; /* counted failures before dead (3) */
	int64_t confirm_gap;    /* min seconds between counted failures */
	int64_t min_interval;   /* re-check interval after a change */
	int64_t max_interval;   /* cap of the growing interval */
	uint32_t growth_pct;    /* interval * growth_pct/100 while stable */
	uint32_t jitter_pct;    /* +- this share of the interval */
	int64_t spread;         /* first check of a new source within this */
	int64_t lease;          /* a picked source is due again after this */
};

/* Fills p with the defaults: 3 confirmations 1 day apart, intervals from 6
 * hours to 30 days doubling while stable, 10 % jitter, new sources spread
 * over 10 minutes, leases of 15 minutes. */
void mon_policy_default(struct mon_policy *p);

/* A content fingerprint; NULL/empty strings and has_length false are
 * unknown and never compared. */
struct mon_fp {
	bool has_length;
	uint64_t length;
	const char *sha256;
	const char *title;
};

/* A watched source as stored. Strings are owned (free with
 * mon_source_clear). */
struct mon_source {
	int64_t id;
	char *url, *cite_id, *host;
	enum mon_state state;
	char *status; /* last check's class, NULL before the first */
	uint32_t http_status;
	char *final_url;
	int64_t since; /* last state change (or when added) */
	int64_t last_checked, next_due, interval;
	uint32_t failures; /* counted failures of the current streak */
	int64_t last_fail; /* time of the last counted failure */
	uint64_t checks;   /* checks stored */
	uint64_t docs;     /* citing documents (list/get only) */
	bool base_has_len, last_has_len;
	uint64_t base_len, last_len;
	char *base_sha, *base_title, *last_sha, *last_title;
	char *spark; /* recent checks, one letter each, oldest first */
};

void mon_source_clear(struct mon_source *s);
void mon_sources_free(struct mon_source *v, size_t n);

/* What one check means for a source. */
struct mon_outcome {
	enum mon_state old_state, new_state;
	bool transition;   /* new_state != old_state */
	bool drift;        /* reachable and fingerprint != previous check's */
	bool set_baseline; /* this check's fingerprint becomes the baseline */
	bool reachable;    /* remember this fingerprint as the last one */
	uint32_t failures;
	int64_t last_fail, since, interval, next_due;
	char spark; /* letter appended to the source's spark */
};

const char *mon_state_name(enum mon_state s);
/* Returns the state named name, or -1. */
int mon_state_from_name(const char *name);
enum mon_class mon_classify(const char *status);

/* True when a and b differ in a component known in both (a sha256 known
 * in both decides alone). */
bool mon_fp_differs(const struct mon_fp *a, const struct mon_fp *b);

/* The link-status policy: applies a check result (status class and
 * fingerprint) observed at now to source s and fills *o (s is unchanged).
 * Pure. */
void mon_policy_apply(const struct mon_policy *p, const struct mon_source *s,
    const char *status, const struct mon_fp *fp, int64_t now,
    struct mon_outcome *o);

/* Scheduler: when a source first watched at now is first due (spread
 * evenly by a hash of the url). Pure. */
int64_t mon_sched_first_due(
    const struct mon_policy *p, const char *url, int64_t now);

/* Scheduler: picks from candidates (sorted by next_due) up to max sources,
 * at most per_host of one host; writes their indexes to pick and returns
 * how many. Pure. */
size_t mon_sched_pick(const struct mon_source *cands, size_t n, size_t max,
    size_t per_host, size_t *pick);

/* Deterministic jitter of interval for url at its check number: within
 * +- jitter_pct. Pure. */
int64_t mon_sched_jitter(const struct mon_policy *p, const char *url,
    uint64_t salt, int64_t interval);

/* The host part of an http(s) URL into buf (lower-cased); "" when none. */
void mon_url_host(const char *url, char *buf, size_t len);

/* RFC 3339 UTC of t into buf (>= 21 bytes); "" for 0. */
void mon_time_fmt(int64_t t, char *buf, size_t len);

/* ---- the store ---------------------------------------------------------- */

/* A citation to watch (the store computes nothing: host and due are
 * filled by the caller). spans: "start\tend\twhere\n" lines. */
struct mon_cite {
	const char *url, *cite_id, *family, *host;
	const char *doc, *doc_date, *spans;
	int64_t due;
};

/* One check to store. */
struct mon_check {
	const char *status;
	uint32_t http_status;
	const char *final_url, *etag, *error;
	struct mon_fp fp;
	uint32_t elapsed_ms;
	int64_t at;
};

/* A link.changed waiting in the outbox (strings owned: mon_events_free). */
struct mon_event {
	int64_t check_id; /* the event's id: one transition per check */
	int64_t source_id;
	char *url, *cite_id, *old_state, *new_state, *status;
	uint32_t http_status;
	int64_t at;
};

void mon_events_free(struct mon_event *v, size_t n);

struct mon_store;

/* The store interface: a SQLite and a PostgreSQL implementation share one
 * schema (schema.sql) and pass the same test suite. Every call is atomic
 * (one transaction) and returns VP_OK or an enum vp_err; a store handle is
 * used by one thread at a time. */
struct mon_store_ops {
	const char *name;
	/* Opens the store at where (a SQLite file name, or a PostgreSQL
	 * connection string). */
	int (*open)(
	    struct mon_store **s, const char *where, char *err, size_t errlen);
	void (*close)(struct mon_store *s);
	/* Applies the schema migrations not yet applied; *version = now. */
	int (*migrate)(struct mon_store *s, int *version);
	/* Upserts the sources and adds the citing documents of c[0..n). */
	int (*watch)(struct mon_store *s, const struct mon_cite *c, size_t n,
	    int64_t now, uint64_t *new_sources, uint64_t *new_citing);
	/* Removes urls (all their citations) and docs' citations; drops
	 * sources nobody cites any more. */
	int (*unwatch)(struct mon_store *s, char *const *urls, size_t n_urls,
	    char *const *docs, size_t n_docs, uint64_t *sources,
	    uint64_t *citing);
	/* Claims the next sources due at now (next_due <= now, earliest first,
	 * at most per_host per host, at most max): their next_due becomes
	 * lease_until, so a crashed monitor's claims come due again.
	 * *out is malloc'ed (mon_sources_free). Index-backed. */
	int (*due)(struct mon_store *s, int64_t now, int64_t lease_until,
	    size_t max, size_t per_host, struct mon_source **out, size_t *n);
	/* Stores a check of source id with its outcome (source update, the
	 * transition and its event in the outbox) in one transaction;
	 * *check_id = the stored row. */
	int (*record)(struct mon_store *s, int64_t id,
	    const struct mon_check *c, const struct mon_outcome *o,
	    int64_t *check_id);
	/* The source with this url, VP_ENOTFOUND when none. */
	int (*get)(
	    struct mon_store *s, const char *url, struct mon_source *out);
	/* Sources (state/prefix filters may be NULL), url order. */
	int (*list)(struct mon_store *s, const char *state, const char *prefix,
	    uint64_t offset, uint32_t limit, struct mon_source **out, size_t *n,
	    uint64_t *total);
	/* Latest checks of source id, newest first. */
	int (*history)(struct mon_store *s, int64_t id, uint32_t limit,
	    struct vp_hist_check **out, size_t *n);
	/* Documents citing source id (and their dates, may hold NULLs). */
	int (*docs)(struct mon_store *s, int64_t id, char ***docs,
	    char ***dates, size_t *n);
	/* Stores the archived copy of source id for a document date. */
	int (*add_archive)(struct mon_store *s, int64_t id,
	    const char *for_date, const char *url, const char *at, int64_t now);
	/* The report: documents citing dead or drifted sources (all: every
	 * document; doc: only that one), each with all its sources. */
	int (*report)(struct mon_store *s, bool all, const char *doc,
	    uint32_t limit, struct vp_report_rep *out);
	/* Spreads sources overdue at now evenly over [now, now + window). */
	int (*respread)(
	    struct mon_store *s, int64_t now, int64_t window, uint64_t *moved);
	/* The oldest events of the outbox not yet published, at most max
	 * (*out malloc'ed: mon_events_free). */
	int (*outbox)(
	    struct mon_store *s, size_t max, struct mon_event **out, size_t *n);
	/* The event of check_id is published: out of the outbox. */
	int (*outbox_sent)(struct mon_store *s, int64_t check_id);
	/* Number of checks stored with id == check_id (0 or 1; tests). */
	int (*has_check)(struct mon_store *s, int64_t check_id, bool *found);
};

struct mon_store {
	const struct mon_store_ops *ops;
};

extern const struct mon_store_ops mon_sqlite_ops;
/* NULL when built without libpq */
extern const struct mon_store_ops *const mon_pg_ops;

/* Opens the store named by where: "postgresql://...", "postgres://..." or
 * "host=... dbname=..." use PostgreSQL, anything else is a SQLite file;
 * then migrates it. */
int mon_store_open(
    struct mon_store **s, const char *where, char *err, size_t errlen);

/* Closes s (NULL is a no-op). */
void mon_store_close(struct mon_store *s);

/* The schema with its migrations (schema.sql, generated into the build).
 * Chunks start at lines "-- migration N"; @ID@ stands for the dialect's
 * auto-increment primary key. */
extern const char mon_schema_sql[];

/* Returns, in *sql (malloc'ed), migration version's SQL for the dialect
 * (id_type replaces @ID@); VP_ENOTFOUND when there is no such version. */
int mon_schema_chunk(int version, const char *id_type, char **sql);

/* Encodes spans as "start\tend\twhere\n" lines (malloc'ed) / decodes them. */
int mon_spans_encode(const struct vp_span *v, size_t n, char **out);
int mon_spans_decode(const char *text, struct vp_span **v, size_t *n);

/* An archived copy known for a source. */
struct mon_archive {
	int64_t source_id;
	char *for_date, *url, *at;
};

/* Report assembly shared by the stores: one row (document, source) in
 * document order is appended to out (a document's entry starts when doc
 * changes), with the archived copy of arch[0..n_arch) (sorted by
 * source_id) closest to the document's date. */
struct mon_report_row {
	const char *doc, *doc_date, *spans;
	const struct mon_source *src;
};
int mon_report_add(struct vp_report_rep *out, const struct mon_report_row *r,
    const struct mon_archive *arch, size_t n_arch);

/* Frees arch[0..n) and arch. */
void mon_archives_free(struct mon_archive *arch, size_t n);

#endif
