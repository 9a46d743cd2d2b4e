/* Table-driven configuration loader: default, then environment, then flags,
 * each value validated by type before it is stored into the member the
 * table names, at that member's own width. */
#include "vp_cfg.h"

#include "vp_err.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Variables of the project's scripts (deploy/run-local.sh, the test
 * runner), not of the programs: a user exports them for the scripts, so
 * they are no typo. */
static const char *const script_env[] = {"VP_BIN", "VP_ROOT", "VP_HOST",
    "VP_API_PORT", "VP_WORK_PORT", "VP_PUB_PORT", "VP_GOLDEN_UPDATE",
    /* set image-wide for the services (deploy/Dockerfile): a program
     * without an admin endpoint, such as the CLI, need not warn of it */
    "VP_ADMIN_LISTEN"};

static void env_name(const char *name, char *out, size_t cap)
{
	size_t i = 0;
	i += (size_t)snprintf(out, cap, "VP_");
	for (; *name != '\0' && i + 1 < cap; name++)
		out[i++] =
		    *name == '-' ? '_' : (char)toupper((unsigned char)*name);
	out[i] = '\0';
}

/* Index of v among the '|'-separated words, or -1. */
static int choice_index(const char *choices, const char *v)
{
	size_t vl = strlen(v);
	const char *p = choices;
	for (int k = 0; *p != '\0'; k++) {
		const char *bar = strchr(p, '|');
		size_t l = bar ? (size_t)(bar - p) : strlen(p);
		if (l == vl && strncmp(p, v, l) == 0)
			return k;
		if (bar == NULL)
			break;
		p = bar + 1;
	}
	return -1;
}

/* Width of an unsigned member; 0 when the table gives an impossible one. */
static size_t uint_size(const struct vp_cfg_opt *o)
{
	size_t s = o->size == 0 ? sizeof(uint64_t) : o->size;
	return s == 1 || s == 2 || s == 4 || s == 8 ? s : 0;
}

static void put_uint(void *at, size_t size, uint64_t u)
{
	uint8_t u8 = (uint8_t)u;
	uint16_t u16 = (uint16_t)u;
	uint32_t u32 = (uint32_t)u;
	switch (size) {
	case 1: memcpy(at, &u8, 1); break;
	case 2: memcpy(at, &u16, 2); break;
	case 4: memcpy(at, &u32, 4); break;
	default: memcpy(at, &u, 8); break;
	}
}

static uint64_t get_uint(const void *at, size_t size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u;
	switch (size) {
	case 1: memcpy(&u8, at, 1); return u8;
	case 2: memcpy(&u16, at, 2); return u16;
	case 4: memcpy(&u32, at, 4); return u32;
	default: memcpy(&u, at, 8); return u;
	}
}

/* A bool member is one byte; the older tables' int flags are wider. */
static void put_bool(const struct vp_cfg_opt *o, void *at, int b)
{
	if (o->size == sizeof(bool)) {
		bool v = b != 0;
		memcpy(at, &v, sizeof(v));
	} else {
		memcpy(at, &b, sizeof(b));
	}
}

static int get_bool(const struct vp_cfg_opt *o, const void *at)
{
	if (o->size == sizeof(bool)) {
		bool v;
		memcpy(&v, at, sizeof(v));
		return v;
	}
	int b;
	memcpy(&b, at, sizeof(b));
	return b;
}

/* The table itself is wrong (a bound wider than the member, a bad size):
 * a programming error, reported like a bad value so that it shows at the
 * first start. */
static int check_opt(const struct vp_cfg_opt *o, char *err, size_t errlen)
{
	size_t s;
	switch (o->type) {
	case VP_CFG_UINT:
		s = uint_size(o);
		if (s == 0 || o->min > o->max ||
		    (s < 8 && o->max > (UINT64_MAX >> (64 - 8 * s))))
			goto bad;
		return VP_OK;
	case VP_CFG_BOOL:
		if (o->size != 0 && o->size != sizeof(bool) &&
		    o->size != sizeof(int))
			goto bad;
		return VP_OK;
	case VP_CFG_ENUM:
		if (o->size != sizeof(int) || o->choices == NULL)
			goto bad;
		return VP_OK;
	case VP_CFG_CHOICE:
		if (o->choices == NULL)
			goto bad;
		/* the member is a string */
		/* fall through */
	case VP_CFG_STR:
	case VP_CFG_URL:
		if (o->size != 0 && o->size != sizeof(const char *))
			goto bad;
		return VP_OK;
	}
	return VP_OK;
bad:
	snprintf(err, errlen,
	    "option --%s: its table entry does not fit its member", o->name);
	return VP_EINVAL;
}

/* Validates text v for o and stores it. from names the source for errors. */
static int set_value(const struct vp_cfg_opt *o, void *cfg, const char *v,
    const char *from, char *err, size_t errlen)
{
	char *at = (char *)cfg + o->off;
	switch (o->type) {
	case VP_CFG_STR: memcpy(at, &v, sizeof(v)); return VP_OK;
	case VP_CFG_URL:
		if (v == NULL ||
		    (strncmp(v, "tcp://", 6) != 0 &&
		        strncmp(v, "tls+tcp://", 10) != 0 &&
		        strncmp(v, "inproc://", 9) != 0 &&
		        strncmp(v, "ipc://", 6) != 0) ||
		    strlen(v) < 8) {
			snprintf(err, errlen,
			    "%s: '%s' is not a tcp://, tls+tcp://, ipc:// or "
			    "inproc:// URL",
			    from, v ? v : "");
			return VP_EINVAL;
		}
		memcpy(at, &v, sizeof(v));
		return VP_OK;
	case VP_CFG_CHOICE:
	case VP_CFG_ENUM: {
		int k = v == NULL ? -1 : choice_index(o->choices, v);
		if (k < 0) {
			snprintf(err, errlen, "%s: '%s' is not one of %s", from,
			    v ? v : "", o->choices);
			return VP_EINVAL;
		}
		if (o->type == VP_CFG_ENUM)
			memcpy(at, &k, sizeof(k));
		else
			memcpy(at, &v, sizeof(v));
		return VP_OK;
	}
	case VP_CFG_BOOL: {
		int b;
		if (v == NULL)
			b = 1;
		else if (!strcmp(v, "1") || !strcasecmp(v, "true") ||
		         !strcasecmp(v, "yes") || !strcasecmp(v, "on"))
			b = 1;
		else if (!strcmp(v, "0") || !strcasecmp(v, "false") ||
		         !strcasecmp(v, "no") || !strcasecmp(v, "off"))
			b = 0;
		else {
			snprintf(
			    err, errlen, "%s: '%s' is not a boolean", from, v);
			return VP_EINVAL;
		}
		put_bool(o, at, b);
		return VP_OK;
	}
	case VP_CFG_UINT: {
		char *end;
		unsigned long long u;
		if (v == NULL || *v == '\0' || *v == '-' ||
		    !isdigit((unsigned char)*v)) {
			snprintf(err, errlen, "%s: '%s' is not a number", from,
			    v ? v : "");
			return VP_EINVAL;
		}
		errno = 0;
		u = strtoull(v, &end, 10);
		if (errno != 0 || *end != '\0') {
			snprintf(
			    err, errlen, "%s: '%s' is not a number", from, v);
			return VP_EINVAL;
		}
		if (u < o->min || u > o->max) {
			snprintf(err, errlen,
			    "%s: %llu is out of range [%llu, %llu]", from, u,
			    (unsigned long long)o->min,
			    (unsigned long long)o->max);
			return VP_EINVAL;
		}
		put_uint(at, uint_size(o), (uint64_t)u);
		return VP_OK;
	}
	}
	return VP_EINVAL;
}

/* The option called name[0..len) in any table, with the struct it fills. */
static const struct vp_cfg_opt *find_opt(const struct vp_cfg_table *t,
    size_t nt, const char *name, size_t len, void **base)
{
	for (size_t k = 0; k < nt; k++)
		for (size_t i = 0; i < t[k].n; i++)
			if (strlen(t[k].opts[i].name) == len &&
			    !strncmp(t[k].opts[i].name, name, len)) {
				*base = t[k].base;
				return &t[k].opts[i];
			}
	return NULL;
}

static const struct vp_cfg_opt *find_short(
    const struct vp_cfg_table *t, size_t nt, char c, void **base)
{
	for (size_t k = 0; k < nt; k++)
		for (size_t i = 0; i < t[k].n; i++)
			if (t[k].opts[i].shortopt != 0 &&
			    t[k].opts[i].shortopt == c) {
				*base = t[k].base;
				return &t[k].opts[i];
			}
	return NULL;
}

/* How many options of the tables are called name. */
static size_t named(const struct vp_cfg_table *t, size_t nt, const char *name)
{
	size_t c = 0;
	for (size_t k = 0; k < nt; k++)
		for (size_t i = 0; i < t[k].n; i++)
			c += strcmp(t[k].opts[i].name, name) == 0;
	return c;
}

/* Defaults, environment and table checks of every option. */
static int load_env(
    const struct vp_cfg_table *t, size_t nt, char *err, size_t errlen)
{
	char from[160];
	int rv;
	for (size_t k = 0; k < nt; k++)
		for (size_t i = 0; i < t[k].n; i++) {
			const struct vp_cfg_opt *o = &t[k].opts[i];
			char env[96];
			const char *v;
			if ((rv = check_opt(o, err, errlen)) != VP_OK)
				return rv;
			if (named(t, nt, o->name) > 1) {
				snprintf(err, errlen,
				    "option --%s is defined twice", o->name);
				return VP_EINVAL;
			}
			snprintf(
			    from, sizeof(from), "default of --%s", o->name);
			if (o->def != NULL &&
			    (rv = set_value(o, t[k].base, o->def, from, err,
			         errlen)) != VP_OK)
				return rv;
			env_name(o->name, env, sizeof(env));
			if ((v = getenv(env)) != NULL &&
			    (rv = set_value(
			         o, t[k].base, v, env, err, errlen)) != VP_OK)
				return rv;
		}
	return VP_OK;
}

int vp_cfg_load_tables(const struct vp_cfg_table *t, size_t nt, int argc,
    char **argv, const char **pos, size_t max_pos, size_t *n_pos, char *err,
    size_t errlen)
{
	char from[160];
	bool only_pos = false;
	int rv;

	if (n_pos != NULL)
		*n_pos = 0;
	if ((rv = load_env(t, nt, err, errlen)) != VP_OK)
		return rv;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct vp_cfg_opt *o = NULL;
		const char *val = NULL, *name;
		void *base = NULL;
		size_t nl;
		bool neg = false;

		if (only_pos || a[0] != '-' || strcmp(a, "-") == 0) {
			if (n_pos == NULL || *n_pos >= max_pos) {
				snprintf(
				    err, errlen, "unexpected argument '%s'", a);
				return VP_EINVAL;
			}
			pos[(*n_pos)++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = true;
			continue;
		}
		if (a[1] != '-') { /* short option */
			if (a[2] == '\0')
				o = find_short(t, nt, a[1], &base);
		} else {
			name = a + 2;
			const char *eq = strchr(name, '=');
			nl = eq ? (size_t)(eq - name) : strlen(name);
			if (eq)
				val = eq + 1;
			o = find_opt(t, nt, name, nl, &base);
			if (o == NULL && nl > 3 &&
			    strncmp(name, "no-", 3) == 0) {
				o = find_opt(t, nt, name + 3, nl - 3, &base);
				if (o != NULL && o->type != VP_CFG_BOOL)
					o = NULL;
				neg = o != NULL;
			}
		}
		if (o == NULL) {
			snprintf(
			    err, errlen, "unknown option '%s' (see --help)", a);
			return VP_EINVAL;
		}
		snprintf(from, sizeof(from), "--%s", o->name);
		if (o->type == VP_CFG_BOOL) {
			if (neg && val != NULL) {
				snprintf(err, errlen, "--no-%s takes no value",
				    o->name);
				return VP_EINVAL;
			}
			if (neg)
				val = "0";
		} else if (val == NULL) {
			if (i + 1 >= argc) {
				snprintf(
				    err, errlen, "--%s needs a value", o->name);
				return VP_EINVAL;
			}
			val = argv[++i];
		}
		if ((rv = set_value(o, base, val, from, err, errlen)) != VP_OK)
			return rv;
	}
	return VP_OK;
}

int vp_cfg_load(const struct vp_cfg_opt *opts, size_t n, void *cfg, int argc,
    char **argv, const char **pos, size_t max_pos, size_t *n_pos, char *err,
    size_t errlen)
{
	const struct vp_cfg_table t = {opts, n, cfg};
	return vp_cfg_load_tables(
	    &t, 1, argc, argv, pos, max_pos, n_pos, err, errlen);
}

size_t vp_cfg_warn_env(
    FILE *f, const struct vp_cfg_table *t, size_t nt, const char *prog)
{
	size_t unknown = 0;
	for (char **e = environ; e != NULL && *e != NULL; e++) {
		const char *eq = strchr(*e, '=');
		size_t len = eq ? (size_t)(eq - *e) : strlen(*e);
		bool known = false;
		if (strncmp(*e, "VP_", 3) != 0)
			continue;
		for (size_t s = 0; s < sizeof(script_env) / sizeof(*script_env);
		     s++)
			if (strlen(script_env[s]) == len &&
			    !strncmp(script_env[s], *e, len))
				known = true;
		for (size_t k = 0; k < nt && !known; k++)
			for (size_t i = 0; i < t[k].n && !known; i++) {
				char env[96];
				env_name(t[k].opts[i].name, env, sizeof(env));
				known = strlen(env) == len &&
				        !strncmp(env, *e, len);
			}
		if (!known) {
			fprintf(f,
			    "%s: warning: environment variable %.*s is no "
			    "option of this program (ignored)\n",
			    prog, (int)len, *e);
			unknown++;
		}
	}
	return unknown;
}

/* The value an option has now, as text (for --help). */
static void value_text(
    const struct vp_cfg_opt *o, const void *base, char *out, size_t cap)
{
	const char *at, *s;
	int k;
	out[0] = '\0';
	if (o->def != NULL) {
		snprintf(out, cap, "%s", o->def);
		return;
	}
	if (base == NULL)
		return;
	at = (const char *)base + o->off;
	switch (o->type) {
	case VP_CFG_UINT:
		snprintf(out, cap, "%llu",
		    (unsigned long long)get_uint(at, uint_size(o)));
		break;
	case VP_CFG_BOOL: snprintf(out, cap, "%d", get_bool(o, at) != 0); break;
	case VP_CFG_ENUM: {
		const char *p = o->choices;
		memcpy(&k, at, sizeof(k));
		for (; k > 0 && p != NULL; k--)
			if ((p = strchr(p, '|')) != NULL)
				p++;
		if (p != NULL)
			snprintf(out, cap, "%.*s", (int)strcspn(p, "|"), p);
		break;
	}
	default:
		memcpy(&s, at, sizeof(s));
		if (s != NULL)
			snprintf(out, cap, "%s", s);
		break;
	}
}

static void usage_opt(FILE *f, const struct vp_cfg_opt *o, const void *base)
{
	char env[96], flag[96], def[256];
	const char *arg = o->type == VP_CFG_BOOL   ? ""
	                  : o->type == VP_CFG_UINT ? "=N"
	                  : o->type == VP_CFG_URL  ? "=URL"
	                  : o->type == VP_CFG_CHOICE || o->type == VP_CFG_ENUM
	                      ? "=WORD"
	                      : "=TEXT";
	env_name(o->name, env, sizeof(env));
	if (o->shortopt)
		snprintf(flag, sizeof(flag), "-%c, --%s%s", o->shortopt,
		    o->name, arg);
	else
		snprintf(flag, sizeof(flag), "    --%s%s", o->name, arg);
	fprintf(f, "  %-28s %s\n", flag, o->help);
	fprintf(f, "  %-28s   env %s", "", env);
	if (o->type == VP_CFG_CHOICE || o->type == VP_CFG_ENUM)
		fprintf(f, "; one of %s", o->choices);
	if (o->type == VP_CFG_UINT)
		fprintf(f, "; %llu..%llu", (unsigned long long)o->min,
		    (unsigned long long)o->max);
	value_text(o, base, def, sizeof(def));
	if (def[0] != '\0')
		fprintf(f, "; default %s", def);
	fputc('\n', f);
}

void vp_cfg_usage_tables(FILE *f, const struct vp_cfg_table *t, size_t nt)
{
	for (size_t k = 0; k < nt; k++)
		for (size_t i = 0; i < t[k].n; i++)
			usage_opt(f, &t[k].opts[i], t[k].base);
}

void vp_cfg_usage(
    FILE *f, const struct vp_cfg_opt *opts, size_t n, const void *cfg)
{
	const struct vp_cfg_table t = {opts, n, (void *)cfg};
	vp_cfg_usage_tables(f, &t, 1);
}

int vp_cfg_main_tables(const struct vp_cfg_table *t, size_t nt, int argc,
    char **argv, const char **pos, size_t max_pos, size_t *n_pos,
    const char *prog, const char *about)
{
	char err[256];
	if (vp_cfg_load_tables(t, nt, argc, argv, pos, max_pos, n_pos, err,
	        sizeof(err)) != VP_OK) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 2;
	}
	vp_cfg_warn_env(stderr, t, nt, prog);
	for (size_t k = 0; k < nt; k++)
		for (size_t i = 0; i < t[k].n; i++) {
			const struct vp_cfg_opt *o = &t[k].opts[i];
			if (o->type == VP_CFG_BOOL &&
			    !strcmp(o->name, "help") &&
			    get_bool(o, (const char *)t[k].base + o->off)) {
				printf("usage: %s [OPTIONS]\n%s\n\noptions "
				       "(each also an environment "
				       "variable):\n",
				    prog, about);
				vp_cfg_usage_tables(stdout, t, nt);
				return 0;
			}
		}
	return -1;
}

int vp_cfg_main(const struct vp_cfg_opt *opts, size_t n, void *cfg, int argc,
    char **argv, const char **pos, size_t max_pos, size_t *n_pos,
    const char *prog, const char *about)
{
	const struct vp_cfg_table t = {opts, n, cfg};
	return vp_cfg_main_tables(
	    &t, 1, argc, argv, pos, max_pos, n_pos, prog, about);
}
