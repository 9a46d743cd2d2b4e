/* vindplaats - the command-line interface.
 *
 * Embedded by default: every service runs in this process on its own threads
 * over inproc://, exactly the code of the deployment. --connect sends the same
 * requests to a running dispatcher instead. Exit status: 0 all fine, 1 some
 * citation broken or unresolved (or a document failed), 2 usage or
 * configuration error. */
#include "cli_doc.h"
#include "cli_out.h"
#include "prs.h"
#include "prs_bwbimport.h"
#include "prs_laws.h"
#include "prs_svc.h"
#include "vp_cfg.h"
#include "vp_client.h"
#include "vp_clock.h"
#include "vp_embed.h"
#include "vp_err.h"
#include "vp_log.h"
#include "vp_nng.h"
#include "vp_svc.h"
#include "vp_utf8.h"
#ifdef VP_HAVE_GATEWAY
#include "gw.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_POS   100000
#define MAX_INPUT (64u << 20)

struct cli_cfg {
	const char *connect;
	const char *format;
	const char *doc_format;
	int check;
	int lookup;
	const char *date;
	int allow_private;
	const char *allow;
	uint64_t timeout_ms;
	uint64_t deadline_ms;
	int quiet;
	uint64_t jobs;
	uint64_t workers;
	const char *log_level;
	int text;
	int help;
	int version;
	const char *listen;
	const char *work_listen;
	const char *pub_listen;
	const char *linkmon_db;
	const char *tls_ca;
	const char *tls_cert;
	const char *tls_server_name;
	int all;
	/* the embedded fetcher's settings: loaded by fetch_cfg_opts */
	struct fetch_opts fetch;
	/* the embedded parser's settings (prs_cfg_opts), and the law index
	 * they ask for (NULL: the built-in one) */
	struct prs_cfg parser;
	struct prs_laws *laws;
	const char *out; /* laws import --out */
#ifdef VP_HAVE_GATEWAY
	/* serve --http-listen: the HTTP API beside the nng one (gw_cfg_opts,
	 * vp-gateway's own table) */
	struct gw_cfg http;
#endif
};

#define M(m) VP_CFG_AT(struct cli_cfg, m)
static const struct vp_cfg_opt cli_opts[] = {
    {.name = "connect",
        .type = VP_CFG_URL,
        M(connect),
        .help = "dispatcher API to use instead of the embedded services",
        .shortopt = 'c'},
    {.name = "format",
        .type = VP_CFG_CHOICE,
        M(format),
        .def = "table",
        .choices = "table|json|jsonl|csv|html",
        .help = "output format; csv: resolve, parse, check, report; html: "
                "resolve (the annotated document), report",
        .shortopt = 'f'},
    VP_OPT_CHOICE("doc-format", M(doc_format), "auto",
        "auto|text|word-text|pdf-text|html|docx|pdf|bwb-xml|rechtspraak-xml|ob-"
        "xml",
        "input document format (resolve)"),
    VP_OPT_BOOL("check", M(check), "0",
        "check that every cited URL can be reached (resolve)"),
    VP_OPT_BOOL("lookup", M(lookup), "0",
        "confirm or complete uncertain citations online (resolve)"),
    VP_OPT_STR("date", M(date), NULL,
        "the document's date YYYY-MM-DD: archived copies closest to it"),
    VP_OPT_BOOL("allow-private", M(allow_private), "0",
        "embedded fetcher may reach loopback and private addresses"),
    VP_OPT_STR("allow", M(allow), NULL,
        "embedded fetcher allow list: addresses/CIDRs, comma-separated "
        "(overrides --fetch-allow)"),
    {.name = "timeout",
        .type = VP_CFG_UINT,
        M(timeout_ms),
        .def = "0",
        .min = 0,
        .max = 86400000,
        .help = "budget per request in milliseconds: per document "
                "(resolve, default 120000), per URL from its first request "
                "(check, default the fetcher's --fetch-url-timeout-ms)",
        .shortopt = 't'},
    VP_OPT_UINT("deadline", M(deadline_ms), "0", 0, 86400000,
        "check: the whole run in milliseconds (0 = none); URLs not checked "
        "by then are reported unverified"),
    {.name = "quiet",
        .type = VP_CFG_BOOL,
        M(quiet),
        .def = "0",
        .help = "no progress line on a terminal's stderr",
        .shortopt = 'q'},
    {.name = "jobs",
        .type = VP_CFG_UINT,
        M(jobs),
        .def = "4",
        .min = 1,
        .max = 256,
        .help = "documents in flight at once (resolve); at most what a "
                "dispatcher admits by default (--max-inflight 256)",
        .shortopt = 'j'},
    VP_OPT_UINT("workers", M(workers), "0", 0, 256,
        "embedded: contexts per worker type, and the threads of parse "
        "(0 = number of CPUs)"),
    VP_OPT_CHOICE("log-level", M(log_level), "warn",
        "debug|info|warn|error|off", "log level (JSON lines on stderr)"),
    VP_OPT_BOOL("text", M(text), "0",
        "parse: the argument is the text itself, not a file name"),
    /* loopback by default, as vp-dispatcher: whoever reaches the work
     * socket can take jobs and read documents */
    VP_OPT_URL("listen", M(listen), "tcp://127.0.0.1:7100",
        "serve: API address (tcp://0.0.0.0:7100 to serve other hosts)"),
    VP_OPT_URL("work-listen", M(work_listen), "tcp://127.0.0.1:7101",
        "serve: work socket address (put it on a network only your "
        "workers reach)"),
    VP_OPT_URL("pub-listen", M(pub_listen), "tcp://127.0.0.1:7102",
        "serve: event (PUB) socket address"),
    VP_OPT_STR("linkmon-db", M(linkmon_db), NULL,
        "embedded link monitor store (watch, report, history, serve): "
        "SQLite file or PostgreSQL conninfo; default "
        "$XDG_STATE_HOME/vindplaats/linkmon.db, without XDG_STATE_HOME "
        "~/.local/state/vindplaats/linkmon.db"),
    VP_OPT_STR("out", M(out), NULL,
        "laws import: where to write the law table (default "
        "$XDG_DATA_HOME/vindplaats/laws.tsv)"),
    VP_OPT_STR("tls-ca", M(tls_ca), "",
        "--connect tls+tcp://...: PEM file of the certificate authorities "
        "the dispatcher's certificate must chain to (serve: and its peers')"),
    VP_OPT_STR("tls-cert", M(tls_cert), "",
        "--connect tls+tcp://...: PEM file with this client's certificate "
        "and private key (mutual TLS)"),
    VP_OPT_STR("tls-server-name", M(tls_server_name), "",
        "--connect tls+tcp://...: the DNS name the dispatcher's certificate "
        "must carry (default: the host of the URL)"),
    VP_OPT_BOOL("all", M(all), "0",
        "report: every watched document, not only broken ones"),
    {.name = "help",
        .type = VP_CFG_BOOL,
        M(help),
        .def = "0",
        .help = "show this help",
        .shortopt = 'h'},
    VP_OPT_BOOL("version", M(version), "0", "print the version"),
};
#undef M
#define N_OPTS (sizeof(cli_opts) / sizeof(cli_opts[0]))

/* The CLI's options, then the embedded fetcher's (the same table as
 * vp-fetcher's, so its politeness and archive settings are flags here
 * too). */
enum {
	T_CLI,
	T_FETCH,
	T_PARSER,
#ifdef VP_HAVE_GATEWAY
	T_HTTP,
#endif
	N_TABLES
};

static void usage(FILE *f, const struct vp_cfg_table *t)
{
	fputs(
	    "usage: vindplaats COMMAND [OPTIONS] [ARGS]\n"
	    "\n"
	    "Finds the citations in Dutch government and parliamentary "
	    "documents,\n"
	    "resolves them to canonical identifiers and official URLs, and "
	    "checks\n"
	    "that the cited sources can still be reached.\n"
	    "\n"
	    "commands:\n"
	    "  resolve FILE...      citations of each document, one entry per "
	    "cited\n"
	    "                       source with every place it is cited\n"
	    "  parse [FILE|TEXT|-]  citations in a text, one per occurrence\n"
	    "  check [URL...|-]     check URLs ('-' reads one per line from "
	    "stdin)\n"
	    "  watch add FILE...    resolve each document and watch every "
	    "cited source\n"
	    "  watch list           watched sources and their state\n"
	    "  watch remove URL|DOC...  stop watching sources or documents\n"
	    "  report               documents citing dead or drifted sources\n"
	    "                       (--format table|json|csv|html)\n"
	    "  history URL          every check of a watched source\n"
	    "  stats                counters of a running dispatcher "
	    "(--connect)\n"
	    "  serve                run every service in this process on tcp\n"
	    "                       (and the HTTP API with --http-listen)\n"
	    "\n"
	    "The embedded link monitor (watch, report, history, serve) keeps "
	    "its\n"
	    "store in $XDG_STATE_HOME/vindplaats/ (default "
	    "~/.local/state/vindplaats/);\n"
	    "parse, resolve and check write no file.\n"
	    "\n"
	    "options (each also an environment variable):\n",
	    f);
	vp_cfg_usage_tables(f, &t[T_CLI], 1);
	fputs("\nembedded fetcher (check, resolve --check/--lookup, watch, "
	      "serve):\n",
	    f);
	vp_cfg_usage_tables(f, &t[T_FETCH], 1);
	fputs("\nembedded parser (parse, resolve, serve):\n", f);
	vp_cfg_usage_tables(f, &t[T_PARSER], 1);
#ifdef VP_HAVE_GATEWAY
	fputs("\nHTTP API (serve --http-listen; the options of vp-gateway):\n",
	    f);
	vp_cfg_usage_tables(f, &t[T_HTTP], 1);
#endif
	fputs(
	    "\n"
	    "exit status: 0 all fine; 1 some citation or URL broken, a "
	    "citation\n"
	    "unresolved, or a document or check request failed; 2 usage or\n"
	    "configuration error. A URL that could not be verified (timeout,\n"
	    "rate limited, unverified) is reported, but is not broken.\n",
	    f);
}

static int read_all(FILE *in, char **out, size_t *len, const char *name)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	if (buf == NULL)
		return VP_ENOMEM;
	for (;;) {
		size_t r;
		if (n == cap) {
			char *nb;
			if (cap >= MAX_INPUT) {
				fprintf(stderr,
				    "vindplaats: %s: larger than %u MiB\n",
				    name, MAX_INPUT >> 20);
				free(buf);
				return VP_ETOOLARGE;
			}
			cap *= 2;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				free(buf);
				return VP_ENOMEM;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, in);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(in)) {
		fprintf(stderr, "vindplaats: %s: read error\n", name);
		free(buf);
		return VP_EIO;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return VP_OK;
}

static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f;
	int rv;
	if (strcmp(path, "-") == 0)
		return read_all(stdin, out, len, "standard input");
	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "vindplaats: %s: %s\n", path, strerror(errno));
		return VP_EIO;
	}
	rv = read_all(f, out, len, path);
	fclose(f);
	return rv;
}

/* An array of n elements of size bytes (p reallocated): the CLI is the top
 * floor and stops with a message when memory runs out (STYLE: service
 * wiring may abort). */
static void *xgrow(void *p, size_t n, size_t size)
{
	void *q = n > SIZE_MAX / size ? NULL : realloc(p, n * size);
	if (q == NULL) {
		fprintf(stderr, "vindplaats: out of memory\n");
		exit(1);
	}
	return q;
}

/* ---- connection: embedded or remote ----------------------------------- */

/* The CLI's own allow flags on top of the fetch table: --allow wins over
 * --fetch-allow, and --allow-private opens the private ranges when no list
 * is given. */
static void embed_allow(const struct cli_cfg *cfg, struct fetch_opts *o)
{
	if (cfg->allow != NULL)
		o->allow = cfg->allow;
	if (cfg->allow_private && o->allow == NULL)
		o->allow = "127.0.0.0/8,::1,10.0.0.0/8,172.16.0.0/12,"
		           "192.168.0.0/16,fc00::/7";
}

/* A file of ours under an XDG base directory: $<xdg_var>/vindplaats/name
 * (an absolute value only, as the XDG spec says), else
 * ~/<fallback>/vindplaats/name; the directories are made (0700) on the
 * way. Never the current directory. */
static int xdg_file(char *path, size_t cap, const char *xdg_var,
    const char *fallback, const char *name, const char *option)
{
	const char *xdg = getenv(xdg_var);
	const char *home = getenv("HOME");
	char dir[4096];
	int n;
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(dir, sizeof(dir), "%s/vindplaats", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(
		    dir, sizeof(dir), "%s/%s/vindplaats", home, fallback);
	else {
		fprintf(stderr,
		    "vindplaats: neither %s nor HOME is set: give "
		    "%s\n",
		    xdg_var, option);
		return VP_EINVAL;
	}
	if (n < 0 || (size_t)n >= sizeof(dir)) {
		fprintf(stderr, "vindplaats: %s directory path too long\n",
		    xdg_var);
		return VP_EINVAL;
	}
	/* mkdir -p: each '/' after the first ends a parent */
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			fprintf(stderr, "vindplaats: %s: %s\n", dir,
			    strerror(errno));
			return VP_EIO;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	n = snprintf(path, cap, "%s/%s", dir, name);
	return n < 0 || (size_t)n >= cap ? VP_EINVAL : VP_OK;
}

/* The embedded link monitor's store when --linkmon-db is not given:
 * $XDG_STATE_HOME/vindplaats/linkmon.db, else
 * ~/.local/state/vindplaats/linkmon.db. */
static int default_store(char *path, size_t cap)
{
	return xdg_file(path, cap, "XDG_STATE_HOME", ".local/state",
	    "linkmon.db", "--linkmon-db");
}

/* Where `laws import` writes when --out is not given:
 * $XDG_DATA_HOME/vindplaats/NAME, else ~/.local/share/vindplaats/NAME. */
static int default_data_file(char *path, size_t cap, const char *name)
{
	return xdg_file(
	    path, cap, "XDG_DATA_HOME", ".local/share", name, "--out");
}

struct conn {
	struct vp_embed *embed;
	struct vp_client *client;
};

/* Dials --connect, or starts the embedded services (with the link monitor
 * only when monitor is set: watch, report and history need it). */
static int conn_open(struct conn *c, const struct cli_cfg *cfg, bool monitor)
{
	char err[256], store[4200];
	const char *url;
	int rv;
	memset(c, 0, sizeof(*c));
	vp_nng_tls_set(cfg->tls_ca, cfg->tls_cert, cfg->tls_server_name);
	if (cfg->connect == NULL) {
		struct vp_embed_cfg ec;
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		unsigned k = cfg->workers ? (unsigned)cfg->workers
		                          : (unsigned)(cpus > 0 ? cpus : 2);
		memset(&ec, 0, sizeof(ec));
		ec.split_ctx = k;
		ec.parse_ctx = k;
		ec.check_ctx = 64; /* = CHECK_INFLIGHT */
		ec.fetch = &cfg->fetch;
		ec.laws = cfg->laws;
		if (monitor) {
			ec.linkmon_db = cfg->linkmon_db;
			if (ec.linkmon_db == NULL) {
				if ((rv = default_store(
				         store, sizeof(store))) != VP_OK)
					return rv;
				ec.linkmon_db = store;
			}
		}
		if ((rv = vp_embed_start(&c->embed, &ec, err, sizeof(err))) !=
		    VP_OK) {
			fprintf(stderr,
			    "vindplaats: cannot start embedded services: %s\n",
			    err);
			return rv;
		}
		url = vp_embed_api_url(c->embed);
	} else {
		url = cfg->connect;
	}
	if ((rv = c->embed != NULL ? vp_embed_client_open(
	                                 c->embed, &c->client, err, sizeof(err))
	                           : vp_client_open(&c->client, url, 0, err,
	                                 sizeof(err))) != VP_OK) {
		fprintf(stderr, "vindplaats: %s\n", err);
		vp_embed_stop(c->embed);
		return rv;
	}
	return VP_OK;
}

static void conn_close(struct conn *c)
{
	vp_client_close(c->client);
	vp_embed_stop(c->embed);
}

/* The budget of one call (resolve, parse, stats, monitor): --timeout, or
 * two minutes. */
static uint32_t call_timeout(const struct cli_cfg *cfg)
{
	return cfg->timeout_ms ? (uint32_t)cfg->timeout_ms : 120000u;
}

static void report_call_error(
    const char *what, int rv, const struct vp_msg *rep)
{
	if (rep->err != NULL)
		fprintf(stderr, "vindplaats: %s: %s: %s\n", what,
		    rep->err->code, rep->err->msg ? rep->err->msg : "");
	else if (rv == VP_ECONNREFUSED)
		fprintf(stderr,
		    "vindplaats: %s: no dispatcher reachable within the "
		    "budget (is it running? --connect, --timeout)\n",
		    what);
	else if (rv == VP_ECONNRESET)
		fprintf(stderr,
		    "vindplaats: %s: the connection to the dispatcher was "
		    "lost, and it did not come back within the budget\n",
		    what);
	else if (rv == VP_ETIMEDOUT)
		fprintf(stderr,
		    "vindplaats: %s: no answer in time (is the "
		    "dispatcher running?)\n",
		    what);
	else
		fprintf(stderr, "vindplaats: %s: %s\n", what, vp_strerror(rv));
}

/* ---- resolve ------------------------------------------------------------ */

struct resolve_run {
	const struct cli_cfg *cfg;
	struct conn *conn;
	const char **files;
	size_t n;
	struct vp_msg *reps;
	int *rvs;
	char **docs; /* --format html: the documents, kept to be written */
	size_t *lens;
	bool *finished;     /* reps[i] is in (under mu) */
	pthread_mutex_t mu; /* finished, done */
	pthread_cond_t cv;  /* a document is finished */
	atomic_size_t next;
	size_t done;
	uint64_t bytes_done, bytes_total; /* of the files (under mu) */
};

/* "resolving 3/10 documents, 12.3/50.0 MB, 4.1 MB/s, about 9 s left": from
 * 500 ms on, on a terminal's stderr. A document counts when its answer is
 * in: until the first one is, the line says how long it has been. */
static void resolve_progress(
    const struct resolve_run *run, uint64_t t0, bool *shown)
{
	uint64_t ms = vp_now_ms() - t0;
	double mb = (double)run->bytes_done / 1e6,
	       total = (double)run->bytes_total / 1e6;
	if (ms < 500)
		return;
	*shown = true;
	fprintf(stderr, "\r\033[Kresolving %zu/%zu documents, %.1f/%.1f MB",
	    run->done, run->n, mb, total);
	if (run->done > 0 && mb > 0)
		fprintf(stderr, ", %.1f MB/s, about %.0f s left",
		    mb * 1000.0 / (double)ms,
		    (total - mb) / (mb * 1000.0 / (double)ms));
	else
		fprintf(stderr, ", %.0f s", (double)ms / 1000.0);
	fflush(stderr);
}

static void *resolve_thread(void *arg)
{
	struct resolve_run *run = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&run->next, 1);
		char *doc = NULL;
		size_t len = 0;
		if (i >= run->n)
			break;
		run->rvs[i] = read_file(run->files[i], &doc, &len);
		if (run->rvs[i] == VP_OK) {
			const char *fmt =
			    strcmp(run->cfg->doc_format, "auto") == 0
			        ? NULL
			        : run->cfg->doc_format;
			struct vp_resolve_opts o = {run->files[i], fmt,
			    run->cfg->check != 0, run->cfg->lookup != 0,
			    run->cfg->date};
			run->rvs[i] = vp_client_resolve(run->conn->client, doc,
			    len, &o, call_timeout(run->cfg), &run->reps[i]);
			if (run->rvs[i] != VP_OK)
				report_call_error(
				    run->files[i], run->rvs[i], &run->reps[i]);
		}
		if (run->docs != NULL && run->rvs[i] == VP_OK) {
			run->docs[i] = doc;
			run->lens[i] = len;
		} else {
			free(doc);
		}
		pthread_mutex_lock(&run->mu);
		run->finished[i] = true;
		run->done++;
		run->bytes_done += len;
		pthread_cond_broadcast(&run->cv);
		pthread_mutex_unlock(&run->mu);
	}
	return NULL;
}

static int cmd_resolve(const struct cli_cfg *cfg, const char **files, size_t n)
{
	struct resolve_run run;
	struct conn conn;
	pthread_t *th;
	size_t nth = cfg->jobs < n ? cfg->jobs : n;
	bool progress = !cfg->quiet && isatty(STDERR_FILENO), shown = false;
	uint64_t t0 = vp_now_ms();
	int status = 0;
	json_t *all = NULL;

	bool html = strcmp(cfg->format, "html") == 0;

	if (n == 0) {
		fprintf(
		    stderr, "vindplaats resolve: no FILE given (see --help)\n");
		return 2;
	}
	if (html && n > 1) {
		fprintf(stderr, "vindplaats resolve: --format html writes one "
		                "page: give one FILE\n");
		return 2;
	}
	if (conn_open(&conn, cfg, false) != VP_OK)
		return 1;
	memset(&run, 0, sizeof(run));
	run.cfg = cfg;
	run.conn = &conn;
	run.files = files;
	run.n = n;
	run.reps = calloc(n, sizeof(*run.reps));
	run.rvs = calloc(n, sizeof(*run.rvs));
	run.finished = calloc(n, sizeof(*run.finished));
	th = calloc(nth, sizeof(*th));
	if (html) {
		run.docs = calloc(n, sizeof(*run.docs));
		run.lens = calloc(n, sizeof(*run.lens));
	}
	if (run.reps == NULL || run.rvs == NULL || run.finished == NULL ||
	    th == NULL || (html && (run.docs == NULL || run.lens == NULL))) {
		fprintf(stderr, "vindplaats: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; progress && i < n; i++) {
		struct stat st;
		if (stat(files[i], &st) == 0)
			run.bytes_total += (uint64_t)st.st_size;
	}
	pthread_mutex_init(&run.mu, NULL);
	pthread_cond_init(&run.cv, NULL);
	for (size_t i = 0; i < nth; i++)
		pthread_create(&th[i], NULL, resolve_thread, &run);

	/* Each document is printed as soon as it and those before it are in
	 * (input order), so an interrupted run keeps what it had; json (an
	 * array of several documents) is printed at the end. */
	if (strcmp(cfg->format, "json") == 0 && n > 1)
		all = json_array();
	for (size_t i = 0; i < n; i++) {
		pthread_mutex_lock(&run.mu);
		while (!run.finished[i]) {
			struct timespec ts;
			vp_abstime_in(&ts, 100);
			pthread_cond_timedwait(&run.cv, &run.mu, &ts);
			if (progress)
				resolve_progress(&run, t0, &shown);
		}
		pthread_mutex_unlock(&run.mu);
		struct vp_resolve_rep *r = vp_msg_resolve_rep(&run.reps[i]);
		if (run.rvs[i] != VP_OK || r == NULL) {
			status = 1;
			vp_msg_clear(&run.reps[i]);
			continue;
		}
		for (size_t k = 0; k < r->n_citations; k++) {
			const struct vp_citation *c = &r->citations[k];
			if (cli_citation_unresolved(c) ||
			    (c->check && cli_status_broken(c->check->status)))
				status = 1;
		}
		if (r->n_errors > 0)
			status = 1;
		if (shown)
			fputs("\r\033[K", stderr);
		if (strcmp(cfg->format, "table") == 0) {
			if (i > 0)
				fputc('\n', stdout);
			cli_table_resolve(stdout, files[i], r, cfg->check);
		} else if (strcmp(cfg->format, "csv") == 0) {
			cli_csv_resolve(stdout, files[i], r, i == 0);
		} else if (html) {
			int hrv = cli_html_resolve(stdout, files[i],
			    (const uint8_t *)run.docs[i], run.lens[i],
			    cfg->doc_format, r);
			if (hrv != VP_OK) {
				fprintf(stderr,
				    "vindplaats: %s: cannot write the "
				    "annotated document: %s\n",
				    files[i], vp_strerror(hrv));
				status = 1;
			}
		} else if (all != NULL) {
			json_array_append_new(
			    all, cli_resolve_json(files[i], r));
		} else {
			/* written straight out, no JSON tree */
			struct cli_parse_out w;
			if (cli_parse_out_init(&w, stdout, "jsonl") != VP_OK ||
			    cli_resolve_out_add(&w, files[i], r,
			        strcmp(cfg->format, "json") == 0) != VP_OK ||
			    cli_parse_out_end(&w) != VP_OK)
				status = 1;
		}
		fflush(stdout);
		vp_msg_clear(&run.reps[i]);
	}
	for (size_t i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	if (shown)
		fprintf(stderr,
		    "\r\033[Kresolved %zu documents, %.1f MB in %.1f s\n", n,
		    (double)run.bytes_done / 1e6,
		    (double)(vp_now_ms() - t0) / 1000.0);
	pthread_mutex_destroy(&run.mu);
	pthread_cond_destroy(&run.cv);
	free(run.finished);
	if (run.docs != NULL)
		for (size_t i = 0; i < n; i++)
			free(run.docs[i]);
	free(run.docs);
	free(run.lens);
	if (all != NULL)
		cli_print_json(stdout, all, true);
	free(run.reps);
	free(run.rvs);
	free(th);
	conn_close(&conn);
	return status;
}

/* ---- parse -------------------------------------------------------------- */

/* The largest file `parse` reads: a mapped file costs no copy, so this only
 * bounds what one run may be asked to do (the parser is linear). */
#define MAX_PARSE_FILE (1ull << 30)

/* The text of `parse`: a regular file mapped read-only (never copied), the
 * argument itself, or standard input read into one buffer. */
struct parse_input {
	const char *text;
	size_t len;
	void *map;
	char *owned;
};

/* A mapped file cut short by another program while it is read faults with
 * SIGBUS on the pages that are gone: say so and stop, instead of dying
 * with a bus error (async-signal-safe: write and _exit only). */
static void on_sigbus(int sig)
{
	static const char msg[] =
	    "\nvindplaats: the input file was truncated while being read; "
	    "run again once it is complete\n";
	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to say */
	}
	_exit(1);
}

static int parse_input_open(
    struct parse_input *in, const struct cli_cfg *cfg, const char *arg)
{
	struct stat st;
	int fd;
	memset(in, 0, sizeof(*in));
	in->text = "";
	if (arg == NULL || strcmp(arg, "-") == 0) {
		int rv =
		    read_all(stdin, &in->owned, &in->len, "standard input");
		if (rv == VP_OK)
			in->text = in->owned;
		return rv;
	}
	if (cfg->text || stat(arg, &st) != 0 || !S_ISREG(st.st_mode)) {
		in->text = arg;
		in->len = strlen(arg);
		return VP_OK;
	}
	if ((fd = open(arg, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "vindplaats: %s: %s\n", arg, strerror(errno));
		if (fd >= 0)
			close(fd);
		return VP_EIO;
	}
	if ((uint64_t)st.st_size > MAX_PARSE_FILE) {
		fprintf(stderr, "vindplaats: %s: larger than %llu MiB\n", arg,
		    MAX_PARSE_FILE >> 20);
		close(fd);
		return VP_ETOOLARGE;
	}
	in->len = (size_t)st.st_size;
	if (in->len > 0) {
		in->map = mmap(NULL, in->len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (in->map == MAP_FAILED) {
			fprintf(stderr, "vindplaats: %s: %s\n", arg,
			    strerror(errno));
			in->map = NULL;
			close(fd);
			return VP_EIO;
		}
		/* read front to back, twice (definitions, then the scan) */
		madvise(in->map, in->len, MADV_SEQUENTIAL);
		signal(SIGBUS, on_sigbus);
		in->text = in->map;
	}
	close(fd);
	return VP_OK;
}

static void parse_input_close(struct parse_input *in)
{
	if (in->map != NULL)
		munmap(in->map, in->len);
	free(in->owned);
}

/* A progress line on stderr for long runs: redrawn at most every 200 ms,
 * first after 500 ms so that a short run shows none. */
struct progress {
	bool on;
	bool shown;
	uint64_t t0, last;
};

static void progress_start(struct progress *p, const struct cli_cfg *cfg)
{
	memset(p, 0, sizeof(*p));
	p->on = !cfg->quiet && isatty(STDERR_FILENO);
	p->t0 = p->last = vp_now_ms();
}

/* "parsed 12.3/50.0 MB, 41.0 MB/s, about 1 s left" */
static void progress_bytes(struct progress *p, const char *verb, uint64_t done,
    uint64_t total, bool last)
{
	uint64_t now = vp_now_ms(), ms = now - p->t0;
	double mb = (double)done / 1e6,
	       rate = ms > 0 ? mb * 1000.0 / (double)ms : 0;
	if (!p->on || (!last && (ms < 500 || now - p->last < 200)) ||
	    (last && !p->shown))
		return;
	p->last = now;
	p->shown = true;
	fprintf(
	    stderr, "\r\033[K%s %.1f/%.1f MB", verb, mb, (double)total / 1e6);
	if (last)
		fprintf(stderr, " in %.1f s\n", (double)ms / 1000.0);
	else if (rate > 0)
		fprintf(stderr, ", %.1f MB/s, about %.0f s left", rate,
		    ((double)(total - done) / 1e6) / rate);
	fflush(stderr);
}

struct parse_run {
	struct cli_parse_out out;
	struct progress progress;
	size_t len;
	unsigned calls;
};

/* prs_each_fn: each citation straight to the output. */
static int parse_each(void *arg, const struct vp_citation *c)
{
	struct parse_run *run = arg;
	int rv = cli_parse_out_add(&run->out, c);
	if (run->progress.on && (++run->calls & 255) == 0 && c->n_spans > 0)
		progress_bytes(
		    &run->progress, "parsed", c->spans[0].end, run->len, false);
	return rv;
}

/* ---- parse on several threads ------------------------------------------ *
 * A large text is scanned in parts (about 8 a thread, 128 to 512 KiB) by one
 * thread per processor. A part depends on the parts before it only through
 * the parser's carry (the law of each kind named last); its thread guesses
 * it by scanning 1/32 of a part before the part first. The parts are
 * written in order by whichever thread finishes the next one: when a part
 * read something its guess got wrong, or a citation ran past its start,
 * that thread scans it again with the true carry, so the output is always
 * that of one scan of the whole text. At most 2 parts a thread wait to be
 * written: memory is bounded by their output, not by the file's. */
#define PARSE_PART_MIN (128u << 10)
#define PARSE_PART_MAX (512u << 10)

struct parse_part {
	size_t from, stop, next;
	struct prs_carry carry;
	struct cli_parse_out out;
	int rv;
	bool done;
};

struct parse_par {
	const char *format;
	struct prs_doc *doc;
	struct parse_part *parts;
	size_t n_parts, window;
	size_t part, warmup; /* bytes */
	/* the writer's: one thread at a time, the one that set writing */
	struct parse_run *run;
	struct prs_carry truth; /* the carry where the output has got to */
	size_t pos, again;      /* where the true scan has got to */
	size_t len;
	/* under mu */
	size_t claimed, written;
	bool writing; /* a thread writes parts[written] */
	bool stop;    /* give up: rv says why */
	int rv;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static int parse_discard(void *arg, const struct vp_citation *c)
{
	(void)arg;
	(void)c;
	return VP_OK;
}

static int parse_part_each(void *arg, const struct vp_citation *c)
{
	return cli_parse_out_add(arg, c);
}

/* Writes part p, the next in order: its output when its guess holds,
 * else the part scanned again with doc (the calling thread's) from where
 * the true scan has got to, as one scan of the whole text reads it. */
static int parse_write_part(
    struct parse_par *pp, struct parse_part *p, struct prs_doc *doc)
{
	struct parse_run *run = pp->run;
	int rv = p->rv;
	if (rv != VP_OK)
		return rv;
	if (pp->pos == p->from && prs_carry_agrees(&p->carry, &pp->truth)) {
		prs_carry_follow(&pp->truth, &p->carry);
		pp->pos = p->next;
		rv = cli_parse_out_join(&run->out, &p->out);
	} else {
		cli_parse_out_drop(&p->out);
		pp->again++;
		rv = doc == NULL ? VP_ENOMEM
		                 : prs_doc_scan(doc, &pp->truth, pp->pos,
		                       p->stop, &pp->pos, parse_each, run);
	}
	if (rv == VP_OK && run->out.err != VP_OK)
		rv = run->out.err;
	if (run->progress.on)
		progress_bytes(
		    &run->progress, "parsed", p->stop, pp->len, false);
	return rv;
}

/* Called with mu held by a thread that has finished a part: writes every
 * part that is next in order and done, unless another thread is at it
 * (which then writes this one too). Whoever finishes writes, so no thread
 * waits for one that the machine has not scheduled. */
static void parse_write_ready(struct parse_par *pp, struct prs_doc *doc)
{
	while (!pp->writing && !pp->stop && pp->written < pp->n_parts &&
	       pp->parts[pp->written].done) {
		size_t k = pp->written;
		int rv;
		pp->writing = true;
		pthread_mutex_unlock(&pp->mu);
		rv = parse_write_part(pp, &pp->parts[k], doc);
		pthread_mutex_lock(&pp->mu);
		pp->writing = false;
		pp->written = k + 1;
		if (rv != VP_OK) {
			pp->rv = rv;
			pp->stop = true;
		}
		pthread_cond_broadcast(&pp->cv);
	}
}

static void *parse_worker(void *arg)
{
	struct parse_par *pp = arg;
	struct prs_doc *doc = NULL;
	int rv = prs_doc_clone(&doc, pp->doc);
	for (;;) {
		struct parse_part *p;
		size_t k, wnext;
		pthread_mutex_lock(&pp->mu);
		while (!pp->stop && pp->claimed < pp->n_parts &&
		       pp->claimed >= pp->written + pp->window)
			pthread_cond_wait(&pp->cv, &pp->mu);
		if (pp->stop || pp->claimed >= pp->n_parts) {
			pthread_mutex_unlock(&pp->mu);
			break;
		}
		k = pp->claimed++;
		pthread_mutex_unlock(&pp->mu);
		p = &pp->parts[k];
		cli_parse_out_init_part(&p->out, pp->format);
		p->rv = rv;
		if (rv == VP_OK) {
			prs_doc_carry(doc, &p->carry);
			if (k > 0)
				p->rv = prs_doc_scan(doc, &p->carry,
				    p->from > pp->warmup ? p->from - pp->warmup
				                         : 0,
				    p->from, &wnext, parse_discard, NULL);
			if (p->rv == VP_OK)
				p->rv = prs_doc_scan(doc, &p->carry, p->from,
				    p->stop, &p->next, parse_part_each,
				    &p->out);
		}
		pthread_mutex_lock(&pp->mu);
		p->done = true;
		parse_write_ready(pp, doc);
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
	}
	prs_doc_free(doc);
	return NULL;
}

/* Part boundaries: after a blank line just past each multiple of the part
 * size (else after a line break, else there), so that few citations run
 * across. */
static size_t parse_cut(const char *text, size_t len, size_t at, size_t look)
{
	size_t lim = at + look < len ? at + look : len;
	const char *nl;
	for (size_t i = at; i + 1 < lim; i++)
		if (text[i] == '\n' && text[i + 1] == '\n')
			return i + 2;
	nl = memchr(text + at, '\n', lim - at);
	return nl ? (size_t)(nl - text) + 1 : at;
}

/* The part size for len bytes on t threads: about 8 parts a thread, from
 * PARSE_PART_MIN to PARSE_PART_MAX; tests make it smaller
 * (VINDPLAATS_PARSE_PART_BYTES, at least 256). */
static size_t parse_part_bytes(size_t len, unsigned t)
{
	const char *e = getenv("VINDPLAATS_PARSE_PART_BYTES");
	unsigned long v = e ? strtoul(e, NULL, 10) : 0;
	size_t p = len / ((size_t)t * 8);
	if (v >= 256)
		return (size_t)v;
	return p < PARSE_PART_MIN   ? PARSE_PART_MIN
	       : p > PARSE_PART_MAX ? PARSE_PART_MAX
	                            : p;
}

/* Threads for the parse of len bytes: --workers, or one per processor (at
 * most 8); one when the text is not larger than two parts. */
static unsigned parse_threads(const struct cli_cfg *cfg, size_t len)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned t = cfg->workers ? (unsigned)cfg->workers
	                          : (unsigned)(cpus > 0 ? cpus : 1);
	if (t > 8 && !cfg->workers)
		t = 8;
	if (t > 64)
		t = 64;
	return t > 1 && len > 2 * parse_part_bytes(len, t) ? t : 1;
}

/* The parallel parse of text: VP_OK, or an error (the output then stops
 * where it happened). */
static int parse_parallel(struct parse_run *run, const struct cli_cfg *cfg,
    const char *text, size_t len, unsigned threads)
{
	struct parse_par pp;
	pthread_t th[64];
	int rv;

	memset(&pp, 0, sizeof(pp));
	if ((rv = prs_doc_new(&pp.doc, cfg->laws, text, len)) != VP_OK)
		return rv;
	pp.format = cfg->format;
	pp.run = run;
	pp.len = len;
	prs_doc_carry(pp.doc, &pp.truth);
	pp.part = parse_part_bytes(len, threads);
	pp.warmup = pp.part / 32 > 4096 ? pp.part / 32 : 4096;
	pp.parts = calloc(len / pp.part + 1, sizeof(*pp.parts));
	if (pp.parts == NULL) {
		fprintf(stderr, "vindplaats: out of memory\n");
		exit(1);
	}
	for (size_t at = 0; at < len;) {
		size_t cut = at + pp.part < len ? parse_cut(text, len,
		                                      at + pp.part, pp.part / 8)
		                                : len;
		pp.parts[pp.n_parts].from = at;
		pp.parts[pp.n_parts++].stop = cut;
		at = cut;
	}
	pp.window = 2 * (size_t)threads;
	pthread_mutex_init(&pp.mu, NULL);
	pthread_cond_init(&pp.cv, NULL);
	for (unsigned i = 0; i < threads; i++)
		if (pthread_create(&th[i], NULL, parse_worker, &pp) != 0) {
			fprintf(stderr, "vindplaats: cannot start a thread\n");
			exit(1);
		}
	pthread_mutex_lock(&pp.mu);
	while (!pp.stop && pp.written < pp.n_parts)
		pthread_cond_wait(&pp.cv, &pp.mu);
	pp.stop = true;
	rv = pp.rv;
	pthread_cond_broadcast(&pp.cv);
	pthread_mutex_unlock(&pp.mu);
	for (unsigned i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	VP_DEBUG("parse: %zu bytes in %zu parts on %u threads, %zu scanned "
	         "again",
	    len, pp.n_parts, threads, pp.again);
	for (size_t k = 0; k < pp.n_parts; k++)
		cli_parse_out_drop(&pp.parts[k].out);
	free(pp.parts);
	pthread_mutex_destroy(&pp.mu);
	pthread_cond_destroy(&pp.cv);
	prs_doc_free(pp.doc);
	return rv;
}

/* The citations of one text, one item per occurrence, written as they are
 * found. Embedded, the parser runs here, on the mapped file, without the
 * bus: the same function over the same bytes that a parse job runs
 * (prs_job), so the same citations, but no copy of the document or of its
 * citations goes through messages, and memory does not grow with the file.
 * With --connect, one parse request to the dispatcher. */
static int cmd_parse(const struct cli_cfg *cfg, const char **args, size_t n)
{
	struct parse_input in;
	struct parse_run run;
	struct vp_utf8_error ue;
	int rv, status = 0;

	if (n > 1) {
		fprintf(stderr,
		    "vindplaats parse: one FILE, TEXT or - (see --help)\n");
		return 2;
	}
	if (parse_input_open(&in, cfg, n ? args[0] : NULL) != VP_OK)
		return 1;
	/* one pass: NUL bytes and UTF-8 */
	if (vp_utf8_prefix(in.text, in.len, VP_UTF8_NO_NUL, &ue) != in.len) {
		if (ue.fault == VP_UTF8_CTRL)
			fprintf(stderr, "vindplaats parse: input contains NUL "
			                "bytes: not text\n");
		else
			fprintf(stderr,
			    "vindplaats parse: input is not UTF-8 text (byte "
			    "%zu)\n",
			    ue.at);
		parse_input_close(&in);
		return 1;
	}
	memset(&run, 0, sizeof(run));
	run.len = in.len;
	if (cli_parse_out_init(&run.out, stdout, cfg->format) != VP_OK) {
		fprintf(stderr,
		    "vindplaats parse: --format table, json, jsonl or csv\n");
		parse_input_close(&in);
		return 2;
	}
	/* stdout on the terminal shows the progress itself */
	progress_start(&run.progress, cfg);
	run.progress.on = run.progress.on && !isatty(STDOUT_FILENO);
	if (cfg->connect == NULL) {
		unsigned threads = parse_threads(cfg, in.len);
		if (threads > 1)
			rv =
			    parse_parallel(&run, cfg, in.text, in.len, threads);
		else
			rv = prs_parse_text_each(
			    cfg->laws, in.text, in.len, parse_each, &run);
		if (rv != VP_OK && run.out.err == VP_OK)
			fprintf(
			    stderr, "vindplaats: parse: %s\n", vp_strerror(rv));
	} else {
		struct conn conn;
		struct vp_msg rep;
		struct vp_parse_rep *r;
		if (in.len > MAX_INPUT) {
			fprintf(stderr,
			    "vindplaats parse: larger than %u MiB, the most a "
			    "request to a dispatcher may carry\n",
			    MAX_INPUT >> 20);
			parse_input_close(&in);
			free(run.out.buf);
			return 1;
		}
		if (conn_open(&conn, cfg, false) != VP_OK) {
			parse_input_close(&in);
			free(run.out.buf);
			return 1;
		}
		rv = vp_client_parse(
		    conn.client, in.text, in.len, call_timeout(cfg), &rep);
		if (rv != VP_OK || (r = vp_msg_parse_rep(&rep)) == NULL) {
			report_call_error("parse", rv, &rep);
			rv = rv != VP_OK ? rv : VP_EPROTO;
		} else {
			for (size_t i = 0; i < r->n_citations && rv == VP_OK;
			     i++)
				rv = cli_parse_out_add(
				    &run.out, &r->citations[i]);
		}
		vp_msg_clear(&rep);
		conn_close(&conn);
	}
	if (rv != VP_OK && run.out.err == VP_OK) {
		/* what went out stays out; the array is not closed */
		free(run.out.buf);
		parse_input_close(&in);
		return 1;
	}
	progress_bytes(&run.progress, "parsed", in.len, in.len, true);
	if (cli_parse_out_end(&run.out) != VP_OK) {
		if (run.out.write_errno != EPIPE)
			fprintf(stderr,
			    "vindplaats parse: cannot write the output: %s\n",
			    strerror(run.out.write_errno));
		status = 1;
	} else if (run.out.unresolved) {
		status = 1;
	}
	parse_input_close(&in);
	return status;
}

/* ---- check -------------------------------------------------------------- */

/* URLs per check request: small enough that results come back as they are
 * found, large enough that the bus costs little per URL. */
#define CHECK_CHUNK 4
/* Requests in flight: enough URLs in the fetcher to keep a host's
 * connections busy when politeness is off (8 x 32 = 256 = the fetcher's
 * default transfers in flight); with politeness on they wait there, not
 * here. */
#define CHECK_INFLIGHT 64
/* A chunk's deadline when the run has none: long enough for any honest
 * politeness queue of CHECK_INFLIGHT chunks. */
#define CHECK_CHUNK_BUDGET (6u * 3600 * 1000)

struct check_run {
	const struct cli_cfg *cfg;
	struct conn *conn;
	char **urls;
	size_t n;
	struct vp_check *res; /* input order, for --format json */
	uint64_t deadline;    /* the run's, CLOCK_MONOTONIC ms, or 0 */
	atomic_size_t next;
	pthread_mutex_t mu; /* output and the counters below */
	pthread_cond_t cv;  /* signalled when a chunk is done */
	size_t done, broken, unverified, failed_calls;
	bool progress;
	uint64_t t0;
};

static void check_progress(struct check_run *run, bool last)
{
	uint64_t ms = vp_now_ms() - run->t0;
	double rate = ms > 0 ? (double)run->done * 1000.0 / (double)ms : 0;
	size_t waiting, hosts;
	fprintf(stderr,
	    "\r\033[Kchecked %zu/%zu URLs, %zu broken, %zu unverified",
	    run->done, run->n, run->broken, run->unverified);
	vp_embed_fetch_waiting(run->conn->embed, &waiting, &hosts);
	if (!last && waiting > 0)
		fprintf(stderr, ", %zu waiting for %zu host%s", waiting, hosts,
		    hosts == 1 ? "" : "s");
	if (!last && rate > 0 && run->done < run->n)
		fprintf(stderr, ", %.1f/s, about %.0f s left", rate,
		    (double)(run->n - run->done) / rate);
	else if (last)
		fprintf(stderr, " in %.1f s\n", (double)ms / 1000.0);
	fflush(stderr);
}

/* One result is final: print it (jsonl, table) and count it. Called with
 * run->mu held. */
static void check_emit(struct check_run *run, size_t i)
{
	const struct vp_check *c = &run->res[i];
	if (strcmp(run->cfg->format, "table") == 0)
		cli_table_checks(stdout, c, 1);
	else if (strcmp(run->cfg->format, "jsonl") == 0)
		cli_print_json(stdout, cli_check_json(c), false);
	else if (strcmp(run->cfg->format, "csv") == 0)
		cli_csv_checks(stdout, c, 1, false);
	if (strcmp(run->cfg->format, "json") != 0)
		fflush(stdout);
	run->done++;
	if (cli_status_broken(c->status))
		run->broken++;
	else if (vp_status_class(c->status) == VP_SC_UNVERIFIABLE)
		run->unverified++;
}

/* A chunk whose call failed: its URLs were not checked. */
static void check_unverified(
    struct vp_check *c, const char *url, const char *why)
{
	c->url = strdup(url);
	c->status = strdup("unverified");
	c->error = strdup(why);
	if (c->url == NULL || c->status == NULL || c->error == NULL) {
		fprintf(stderr, "vindplaats: out of memory\n");
		exit(1);
	}
}

static void *check_thread(void *arg)
{
	struct check_run *run = arg;
	const struct cli_cfg *cfg = run->cfg;
	for (;;) {
		size_t i = atomic_fetch_add(&run->next, CHECK_CHUNK);
		if (i >= run->n)
			break;
		size_t k = run->n - i < CHECK_CHUNK ? run->n - i : CHECK_CHUNK;
		uint32_t budget = CHECK_CHUNK_BUDGET;
		struct vp_msg rep;
		struct vp_check_rep *r = NULL;
		char why[300];
		int rv = VP_ETIMEDOUT;
		if (run->deadline != 0) {
			uint64_t now = vp_now_ms();
			budget = run->deadline > now
			             ? (uint32_t)(run->deadline - now)
			             : 0;
		}
		memset(&rep, 0, sizeof(rep));
		snprintf(why, sizeof(why),
		    "the run's deadline (--deadline) came before its turn");
		if (budget >= 100) {
			struct vp_check_opts o = {.date = cfg->date,
			    .url_timeout_ms = (uint32_t)cfg->timeout_ms};
			rv = vp_client_check_ex(run->conn->client,
			    run->urls + i, k, &o, budget, &rep);
			r = rv == VP_OK ? vp_msg_check_rep(&rep) : NULL;
			if (r == NULL || r->n_checks != k) {
				snprintf(why, sizeof(why),
				    "the check request failed: %s%s%s",
				    rep.err ? rep.err->code : vp_strerror(rv),
				    rep.err && rep.err->msg ? ": " : "",
				    rep.err && rep.err->msg ? rep.err->msg
				                            : "");
				r = NULL;
			}
		}
		pthread_mutex_lock(&run->mu);
		if (r == NULL && budget >= 100) {
			if (run->failed_calls++ == 0)
				fprintf(stderr, "%svindplaats: check: %s\n",
				    run->progress ? "\r\033[K" : "", why);
		}
		for (size_t x = 0; x < k; x++) {
			if (r != NULL) {
				run->res[i + x] = r->checks[x];
				memset(&r->checks[x], 0, sizeof(r->checks[x]));
			} else {
				check_unverified(
				    &run->res[i + x], run->urls[i + x], why);
			}
			check_emit(run, i + x);
		}
		pthread_cond_signal(&run->cv);
		pthread_mutex_unlock(&run->mu);
		vp_msg_clear(&rep);
	}
	return NULL;
}

static int cmd_check(const struct cli_cfg *cfg, const char **args, size_t n)
{
	struct conn conn;
	struct check_run run;
	char **urls = NULL;
	size_t n_urls = 0, cap = 0;
	char *input = NULL;
	pthread_t th[CHECK_INFLIGHT];
	size_t nth;
	int status = 0;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(args[i], "-") == 0) {
			size_t len;
			char *line, *save = NULL;
			if (read_all(stdin, &input, &len, "standard input") !=
			    VP_OK)
				return 1;
			for (line = strtok_r(input, "\r\n", &save); line;
			     line = strtok_r(NULL, "\r\n", &save)) {
				while (*line == ' ' || *line == '\t')
					line++;
				if (*line == '\0' || *line == '#')
					continue;
				if (n_urls == cap) {
					cap = cap ? cap * 2 : 64;
					urls = xgrow(urls, cap, sizeof(*urls));
				}
				urls[n_urls++] = line;
			}
			continue;
		}
		if (n_urls == cap) {
			cap = cap ? cap * 2 : 64;
			urls = xgrow(urls, cap, sizeof(*urls));
		}
		urls[n_urls++] = (char *)args[i];
	}
	if (n_urls == 0) {
		fprintf(
		    stderr, "vindplaats check: no URL given (see --help)\n");
		free(input);
		free(urls);
		return 2;
	}
	if (conn_open(&conn, cfg, false) != VP_OK) {
		free(input);
		free(urls);
		return 1;
	}
	memset(&run, 0, sizeof(run));
	run.cfg = cfg;
	run.conn = &conn;
	run.urls = urls;
	run.n = n_urls;
	run.t0 = vp_now_ms();
	run.deadline = cfg->deadline_ms ? run.t0 + cfg->deadline_ms : 0;
	run.progress = !cfg->quiet && isatty(STDERR_FILENO);
	pthread_mutex_init(&run.mu, NULL);
	pthread_cond_init(&run.cv, NULL);
	if (strcmp(cfg->format, "csv") == 0)
		cli_csv_checks(stdout, NULL, 0, true);
	if ((run.res = calloc(n_urls, sizeof(*run.res))) == NULL) {
		fprintf(stderr, "vindplaats: out of memory\n");
		exit(1);
	}
	nth = (n_urls + CHECK_CHUNK - 1) / CHECK_CHUNK;
	if (nth > CHECK_INFLIGHT)
		nth = CHECK_INFLIGHT;
	for (size_t i = 0; i < nth; i++)
		if (pthread_create(&th[i], NULL, check_thread, &run) != 0) {
			fprintf(stderr, "vindplaats: cannot start a thread\n");
			exit(1);
		}
	/* the progress line: redrawn at most every 200 ms */
	pthread_mutex_lock(&run.mu);
	while (run.done < run.n) {
		struct timespec ts;
		vp_abstime_in(&ts, 200);
		pthread_cond_timedwait(&run.cv, &run.mu, &ts);
		if (run.progress && run.done < run.n)
			check_progress(&run, false);
	}
	if (run.progress)
		check_progress(&run, true);
	pthread_mutex_unlock(&run.mu);
	for (size_t i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	if (strcmp(cfg->format, "json") == 0) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n_urls; i++)
			json_array_append_new(arr, cli_check_json(&run.res[i]));
		cli_print_json(stdout, arr, true);
	}
	for (size_t i = 0; i < n_urls; i++) {
		if (cli_status_broken(run.res[i].status))
			status = 1;
		vp_obj_clear(&vp_desc_check, &run.res[i]);
	}
	if (run.failed_calls > 0) {
		fprintf(stderr,
		    "vindplaats: check: %zu of %zu requests failed; their URLs "
		    "are reported unverified\n",
		    run.failed_calls, (n_urls + CHECK_CHUNK - 1) / CHECK_CHUNK);
		status = 1;
	}
	free(run.res);
	pthread_mutex_destroy(&run.mu);
	pthread_cond_destroy(&run.cv);
	conn_close(&conn);
	free(input);
	free(urls);
	return status;
}

/* ---- stats, serve ------------------------------------------------------- */

static int cmd_stats(const struct cli_cfg *cfg)
{
	struct conn conn;
	struct vp_msg rep;
	struct vp_stats_rep *s;
	json_t *o;
	int rv;
	if (cfg->connect == NULL) {
		fprintf(stderr, "vindplaats stats: needs --connect URL\n");
		return 2;
	}
	if (conn_open(&conn, cfg, false) != VP_OK)
		return 1;
	rv = vp_client_stats(conn.client, call_timeout(cfg), &rep);
	if (rv != VP_OK || (s = vp_msg_stats_rep(&rep)) == NULL) {
		report_call_error("stats", rv, &rep);
		vp_msg_clear(&rep);
		conn_close(&conn);
		return 1;
	}
	o = json_object();
#define S(k) json_object_set_new(o, #k, json_integer((json_int_t)s->k))
	S(uptime_ms);
	S(requests);
	S(bad_requests);
	S(busy);
	S(jobs_done);
	S(jobs_requeued);
	S(jobs_failed);
	S(duplicates_dropped);
	S(queued);
	S(leased);
	S(workers_parked);
	S(events);
#undef S
	cli_print_json(stdout, o, strcmp(cfg->format, "jsonl") != 0);
	vp_msg_clear(&rep);
	conn_close(&conn);
	return 0;
}

/* ---- link monitor: watch, report, history ----------------------------- */

/* Sends req (consumed) and checks the reply type; prints errors. */
static int monitor_call(struct conn *conn, const struct cli_cfg *cfg,
    struct vp_msg *req, enum vp_type want, struct vp_msg *rep, const char *what)
{
	int rv = vp_client_call(conn->client, req, call_timeout(cfg), rep);
	vp_msg_clear(req);
	if (rv != VP_OK || rep->type != want) {
		report_call_error(what, rv != VP_OK ? rv : VP_EPROTO, rep);
		return rv != VP_OK ? rv : VP_EPROTO;
	}
	return VP_OK;
}

static int cmd_watch_add(
    struct conn *conn, const struct cli_cfg *cfg, const char **files, size_t n)
{
	struct vp_msg req, rep;
	struct vp_watch_add_req *wa;
	size_t cap = 0;
	int status = 0;
	if (vp_msg_init(&req, VP_T_WATCH_ADD_REQ) != VP_OK)
		return 1;
	wa = vp_msg_watch_add_req(&req);
	for (size_t i = 0; i < n; i++) {
		char *doc = NULL;
		size_t len = 0;
		struct vp_msg rr;
		struct vp_resolve_rep *r;
		if (read_file(files[i], &doc, &len) != VP_OK) {
			status = 1;
			continue;
		}
		struct vp_resolve_opts o = {
		    files[i], NULL, false, false, cfg->date};
		int rv = vp_client_resolve(
		    conn->client, doc, len, &o, call_timeout(cfg), &rr);
		free(doc);
		if (rv != VP_OK || (r = vp_msg_resolve_rep(&rr)) == NULL) {
			report_call_error(files[i], rv, &rr);
			vp_msg_clear(&rr);
			status = 1;
			continue;
		}
		for (size_t k = 0; k < r->n_citations; k++) {
			struct vp_citation *c = &r->citations[k];
			struct vp_watch_item *it;
			if (c->url == NULL || strncmp(c->url, "http", 4) != 0)
				continue;
			if (wa->n_items == cap) {
				cap = cap ? cap * 2 : 64;
				wa->items =
				    xgrow(wa->items, cap, sizeof(*wa->items));
			}
			it = &wa->items[wa->n_items++];
			memset(it, 0, sizeof(*it));
			/* moved from the reply: no copy of big span arrays */
			it->url = c->url;
			c->url = NULL;
			it->cite_id = c->id;
			c->id = NULL;
			it->family = c->family;
			c->family = NULL;
			it->spans = c->spans;
			it->n_spans = c->n_spans;
			c->spans = NULL;
			c->n_spans = 0;
			it->doc = strdup(files[i]);
			it->doc_date = cfg->date ? strdup(cfg->date) : NULL;
		}
		vp_msg_clear(&rr);
	}
	if (monitor_call(conn, cfg, &req, VP_T_WATCH_ADD_REP, &rep,
	        "watch add") != VP_OK) {
		vp_msg_clear(&rep);
		return 1;
	}
	printf("watching: %llu new sources, %llu new citations\n",
	    (unsigned long long)vp_msg_watch_add_rep(&rep)->sources,
	    (unsigned long long)vp_msg_watch_add_rep(&rep)->citing);
	vp_msg_clear(&rep);
	return status;
}

static int cmd_watch(const struct cli_cfg *cfg, const char **args, size_t n)
{
	struct conn conn;
	struct vp_msg req, rep;
	int status = 0;
	if (n == 0 ||
	    (strcmp(args[0], "add") != 0 && strcmp(args[0], "list") != 0 &&
	        strcmp(args[0], "remove") != 0)) {
		fprintf(stderr, "vindplaats watch: add FILE..., list or remove "
		                "URL|DOC... (see --help)\n");
		return 2;
	}
	if (strcmp(args[0], "list") != 0 && n < 2) {
		fprintf(
		    stderr, "vindplaats watch %s: nothing given\n", args[0]);
		return 2;
	}
	if (conn_open(&conn, cfg, true) != VP_OK)
		return 1;
	if (strcmp(args[0], "add") == 0) {
		status = cmd_watch_add(&conn, cfg, args + 1, n - 1);
	} else if (strcmp(args[0], "remove") == 0) {
		struct vp_watch_remove_req *q;
		vp_msg_init(&req, VP_T_WATCH_REMOVE_REQ);
		q = vp_msg_watch_remove_req(&req);
		q->urls = calloc(n, sizeof(char *));
		q->docs = calloc(n, sizeof(char *));
		for (size_t i = 1; i < n; i++) {
			if (strstr(args[i], "://") != NULL)
				q->urls[q->n_urls++] = strdup(args[i]);
			else
				q->docs[q->n_docs++] = strdup(args[i]);
		}
		if (monitor_call(&conn, cfg, &req, VP_T_WATCH_REMOVE_REP, &rep,
		        "watch remove") == VP_OK)
			printf("removed: %llu sources, %llu citations\n",
			    (unsigned long long)vp_msg_watch_remove_rep(&rep)
			        ->sources,
			    (unsigned long long)vp_msg_watch_remove_rep(&rep)
			        ->citing);
		else
			status = 1;
		vp_msg_clear(&rep);
	} else {
		struct vp_watch_list_rep *r;
		vp_msg_init(&req, VP_T_WATCH_LIST_REQ);
		if (monitor_call(&conn, cfg, &req, VP_T_WATCH_LIST_REP, &rep,
		        "watch list") == VP_OK) {
			r = vp_msg_watch_list_rep(&rep);
			if (strcmp(cfg->format, "table") == 0) {
				for (size_t i = 0; i < r->n_sources; i++) {
					struct vp_watched *w = &r->sources[i];
					printf(
					    "%-8s %-12s %3u  %3llu docs  %s\n",
					    w->state,
					    w->status ? w->status : "-",
					    w->http_status,
					    (unsigned long long)w->docs,
					    w->url);
					if (strcmp(w->state, "dead") == 0)
						status = 1;
				}
			} else {
				json_t *a = json_array();
				for (size_t i = 0; i < r->n_sources; i++)
					json_array_append_new(a,
					    cli_watched_json(&r->sources[i]));
				cli_print_json(stdout, a, true);
			}
		} else {
			status = 1;
		}
		vp_msg_clear(&rep);
	}
	conn_close(&conn);
	return status;
}

static int cmd_report(const struct cli_cfg *cfg)
{
	struct conn conn;
	struct vp_msg req, rep;
	struct vp_report_rep *r;
	int status = 0;
	if (conn_open(&conn, cfg, true) != VP_OK)
		return 1;
	vp_msg_init(&req, VP_T_REPORT_REQ);
	vp_msg_report_req(&req)->all = cfg->all != 0;
	if (monitor_call(&conn, cfg, &req, VP_T_REPORT_REP, &rep, "report") ==
	    VP_OK) {
		r = vp_msg_report_rep(&rep);
		cli_report(stdout, r, cfg->format);
		for (size_t i = 0; i < r->n_docs; i++)
			if (r->docs[i].bad > 0)
				status = 1;
	} else {
		status = 1;
	}
	vp_msg_clear(&rep);
	conn_close(&conn);
	return status;
}

static int cmd_history(const struct cli_cfg *cfg, const char **args, size_t n)
{
	struct conn conn;
	struct vp_msg req, rep;
	struct vp_history_rep *h;
	int status = 0;
	if (n != 1) {
		fprintf(stderr, "vindplaats history: one URL (see --help)\n");
		return 2;
	}
	if (conn_open(&conn, cfg, true) != VP_OK)
		return 1;
	vp_msg_init(&req, VP_T_HISTORY_REQ);
	vp_msg_history_req(&req)->url = strdup(args[0]);
	if (monitor_call(&conn, cfg, &req, VP_T_HISTORY_REP, &rep, "history") ==
	    VP_OK) {
		h = vp_msg_history_rep(&rep);
		if (strcmp(cfg->format, "table") == 0) {
			printf("%s\n  state %s since %s, %llu checks, cited by "
			       "%zu "
			       "documents\n",
			    h->source->url, h->source->state,
			    h->source->since ? h->source->since : "-",
			    (unsigned long long)h->source->checks, h->n_docs);
			for (size_t i = 0; i < h->n_checks; i++)
				printf("  %s  %-12s %3u %s%s\n",
				    h->checks[i].at, h->checks[i].status,
				    h->checks[i].http_status,
				    h->checks[i].drift ? "drift " : "",
				    h->checks[i].transition
				        ? h->checks[i].transition
				        : "");
		} else {
			cli_print_json(stdout, cli_history_json(h),
			    strcmp(cfg->format, "json") == 0);
		}
		if (strcmp(h->source->state, "dead") == 0)
			status = 1;
	} else {
		status = 1;
	}
	vp_msg_clear(&rep);
	conn_close(&conn);
	return status;
}

static int cmd_serve(const struct cli_cfg *cfg)
{
	struct vp_embed *e;
	struct vp_embed_cfg ec;
	char err[256], store[4200];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned k = cfg->workers ? (unsigned)cfg->workers
	                          : (unsigned)(cpus > 0 ? cpus : 2);
	memset(&ec, 0, sizeof(ec));
	vp_nng_tls_set(cfg->tls_ca, cfg->tls_cert, cfg->tls_server_name);
	ec.api_url = cfg->listen;
	ec.work_url = cfg->work_listen;
	ec.pub_url = cfg->pub_listen;
	ec.split_ctx = ec.parse_ctx = k;
	ec.check_ctx = 16;
	ec.linkmon_db = cfg->linkmon_db;
	if (ec.linkmon_db == NULL) {
		if (default_store(store, sizeof(store)) != VP_OK)
			return 1;
		ec.linkmon_db = store;
	}
	ec.linkmon_tick_ms = 1000;
	ec.fetch = &cfg->fetch;
	ec.laws = cfg->laws;
	if (vp_embed_start(&e, &ec, err, sizeof(err)) != VP_OK) {
		fprintf(stderr, "vindplaats serve: %s\n", err);
		return 1;
	}
	vp_svc_signals();
	VP_INFO("serving: api %s, work %s", cfg->listen, cfg->work_listen);
	fprintf(stderr,
	    "vindplaats: serving on %s (workers dial %s); Ctrl-C stops\n",
	    cfg->listen, cfg->work_listen);
#ifdef VP_HAVE_GATEWAY
	struct gw *g = NULL;
	if (cfg->http.listen != NULL && cfg->http.listen[0] != '\0') {
		/* the gateway is a client of the API it serves beside: it dials
		 * the listen address (a wildcard host as loopback) */
		char api[300];
		struct gw_cfg hc = cfg->http;
		const char *host = strstr(cfg->listen, "://");
		if (strncmp(cfg->listen, "tcp://", 6) != 0 || host == NULL) {
			fprintf(stderr,
			    "vindplaats serve: --http-listen needs a tcp:// "
			    "--listen (the gateway dials it); for TLS run "
			    "vp-gateway\n");
			vp_embed_stop(e);
			return 2;
		}
		host += 3;
		if (strncmp(host, "0.0.0.0:", 8) == 0 ||
		    strncmp(host, "*:", 2) == 0)
			snprintf(api, sizeof(api), "tcp://127.0.0.1%s",
			    strchr(host, ':'));
		else
			snprintf(api, sizeof(api), "%s", cfg->listen);
		hc.connect = api;
		hc.local = vp_embed_call; /* resolve without the socket */
		hc.local_arg = e;
		if (gw_start(&g, &hc, err, sizeof(err)) != VP_OK) {
			fprintf(stderr, "vindplaats serve: %s\n", err);
			vp_embed_stop(e);
			return 1;
		}
		fprintf(stderr, "vindplaats: HTTP API on %s (port %u)\n",
		    hc.listen, (unsigned)gw_port(g));
	}
#endif
	vp_svc_wait();
#ifdef VP_HAVE_GATEWAY
	if (g != NULL)
		gw_stop(g);
#endif
	vp_embed_stop(e);
	return 0;
}

/* laws import FILE [--out PATH]: KOOP's BWBIdList.xml -> the law table the
 * parser loads (--parser-laws / VP_PARSER_LAWS). The table is written to a
 * temporary file and renamed over PATH only when the whole list was read:
 * a broken or hostile file leaves the current table as it was. */
static int cmd_laws(const struct cli_cfg *cfg, const char **args, size_t n)
{
	char err[512], path[4200];
	struct prs_laws *check = NULL;
	int rv;
	if (n != 2 || strcmp(args[0], "import") != 0) {
		fprintf(stderr, "usage: vindplaats laws import BWBIdList.xml "
		                "[--out PATH]\n");
		return 2;
	}
	if (cfg->out) {
		snprintf(path, sizeof(path), "%s", cfg->out);
	} else if ((rv = default_data_file(path, sizeof(path), "laws.tsv")) !=
	           VP_OK) {
		return 1;
	}
	if ((rv = prs_laws_import_file(args[1], path, err, sizeof(err))) !=
	    VP_OK) {
		fprintf(stderr, "vindplaats laws import: %s\n", err);
		return rv == VP_EINVAL || rv == VP_ETOOLARGE ? 2 : 1;
	}
	/* the services must be able to load what was written */
	if ((rv = prs_laws_load_merged(path, &check, err, sizeof(err))) !=
	    VP_OK) {
		fprintf(stderr, "vindplaats laws import: %s\n", err);
		return 1;
	}
	printf("vindplaats: %zu regulations, %zu names in %s\n"
	       "use it with --parser-laws %s (or VP_PARSER_LAWS)\n",
	    prs_laws_count(check), prs_laws_names(check), path, path);
	prs_laws_free(check);
	return 0;
}

/* The output formats each command writes. An unknown command passes here
 * (it is refused below), a command without output takes any. */
static bool format_ok(const char *cmd, const char *format)
{
	static const struct {
		const char *cmd, *formats;
	} outputs[] = {
	    {"resolve", "table|json|jsonl|csv|html"},
	    {"parse", "table|json|jsonl|csv"},
	    {"check", "table|json|jsonl|csv"},
	    {"report", "table|json|jsonl|csv|html"},
	    {"watch", "table|json|jsonl"},
	    {"history", "table|json|jsonl"},
	    {"stats", "table|json|jsonl"},
	};
	size_t n = strlen(format);
	for (size_t i = 0; n > 0 && i < sizeof(outputs) / sizeof(outputs[0]);
	     i++) {
		const char *f = outputs[i].formats;
		if (strcmp(cmd, outputs[i].cmd) != 0)
			continue;
		for (const char *p = f; (p = strstr(p, format)) != NULL; p++)
			if ((p == f || p[-1] == '|') &&
			    (p[n] == '|' || p[n] == '\0'))
				return true;
		fprintf(stderr,
		    "vindplaats %s: --format %s is not an output of %s; it "
		    "writes %s\n",
		    cmd, format, cmd, f);
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	static const char *pos[MAX_POS];
	static struct cli_cfg cfg;
	const struct vp_cfg_table tables[N_TABLES] = {
	    [T_CLI] = {cli_opts, N_OPTS, &cfg},
	    [T_FETCH] = {fetch_cfg_opts, fetch_cfg_n_opts, &cfg.fetch},
	    [T_PARSER] = {prs_cfg_opts, prs_cfg_n_opts, &cfg.parser},
#ifdef VP_HAVE_GATEWAY
	    [T_HTTP] = {gw_cfg_opts, gw_cfg_n_opts, &cfg.http},
#endif
	};
	char err[256];
	size_t n_pos = 0;
	const char *cmd;

	signal(SIGPIPE, SIG_IGN);
	memset(&cfg, 0, sizeof(cfg));
	fetch_opts_default(&cfg.fetch);
	if (argc < 2) {
		usage(stderr, tables);
		return 2;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		usage(stdout, tables);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		puts("vindplaats " VP_VERSION);
		return 0;
	}
	if (vp_cfg_load_tables(tables, N_TABLES, argc - 1, argv + 1, pos,
	        MAX_POS, &n_pos, err, sizeof(err)) != VP_OK) {
		fprintf(stderr, "vindplaats: %s\n", err);
		return 2;
	}
	vp_cfg_warn_env(stderr, tables, N_TABLES, "vindplaats");
	if (cfg.help) {
		usage(stdout, tables);
		return 0;
	}
	if (cfg.version) {
		puts("vindplaats " VP_VERSION);
		return 0;
	}
	embed_allow(&cfg, &cfg.fetch);
	vp_log_init("vindplaats", vp_log_level_parse(cfg.log_level));
	if (strcmp(cmd, "laws") == 0)
		return cmd_laws(&cfg, pos, n_pos);
	if (!format_ok(cmd, cfg.format))
		return 2;
	if (cfg.connect == NULL &&
	    prs_cfg_laws(&cfg.parser, &cfg.laws, err, sizeof(err)) != VP_OK) {
		fprintf(stderr, "vindplaats: %s\n", err);
		return 2;
	}
	if (strcmp(cmd, "resolve") == 0)
		return cmd_resolve(&cfg, pos, n_pos);
	if (strcmp(cmd, "parse") == 0)
		return cmd_parse(&cfg, pos, n_pos);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(&cfg, pos, n_pos);
	if (strcmp(cmd, "watch") == 0)
		return cmd_watch(&cfg, pos, n_pos);
	if (strcmp(cmd, "history") == 0)
		return cmd_history(&cfg, pos, n_pos);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(&cfg);
	if (n_pos > 0) {
		fprintf(stderr, "vindplaats %s: unexpected argument '%s'\n",
		    cmd, pos[0]);
		return 2;
	}
	if (strcmp(cmd, "stats") == 0)
		return cmd_stats(&cfg);
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(&cfg);
	fprintf(stderr, "vindplaats: unknown command '%s' (see --help)\n", cmd);
	return 2;
}
