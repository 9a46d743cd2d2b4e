/* Table-driven configuration loader: default, then environment, then flags,
 * each value validated by type before it is stored. */
#include "vp_cfg.h"

#include "vp_err.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static void env_name(const char *name, char *out, size_t cap)
{
	size_t i = 0;
	i += (size_t)snprintf(out, cap, "VP_");
	for (; *name != '\0' && i + 1 < cap; name++)
		out[i++] =
		    *name == '-' ? '_' : (char)toupper((unsigned char)*name);
	out[i] = '\0';
}

static bool choice_ok(const char *choices, const char *v)
{
	size_t vl = strlen(v);
	const char *p = choices;
	while (*p != '\0') {
		const char *bar = strchr(p, '|');
		size_t l = bar ? (size_t)(bar - p) : strlen(p);
		if (l == vl && strncmp(p, v, l) == 0)
			return true;
		if (bar == NULL)
			break;
		p = bar + 1;
	}
	return false;
}

/* Validates text v for o and stores it. from names the source for errors. */
static int set_value(const struct vp_cfg_opt *o, void *cfg, const char *v,
    const char *from, char *err, size_t errlen)
{
	char *base = cfg;
	switch (o->type) {
	case VP_CFG_STR: *(const char **)(base + o->off) = v; return VP_OK;
	case VP_CFG_URL:
		if (v == NULL ||
		    (strncmp(v, "tcp://", 6) != 0 &&
		        strncmp(v, "inproc://", 9) != 0 &&
		        strncmp(v, "ipc://", 6) != 0) ||
		    strlen(v) < 8) {
			snprintf(err, errlen,
			    "%s: '%s' is not a tcp://, ipc:// or inproc:// URL",
			    from, v ? v : "");
			return VP_EINVAL;
		}
		*(const char **)(base + o->off) = v;
		return VP_OK;
	case VP_CFG_CHOICE:
		if (v == NULL || !choice_ok(o->choices, v)) {
			snprintf(err, errlen, "%s: '%s' is not one of %s", from,
			    v ? v : "", o->choices);
			return VP_EINVAL;
		}
		*(const char **)(base + o->off) = v;
		return VP_OK;
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
		*(int *)(base + o->off) = b;
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
		*(uint64_t *)(base + o->off) = (uint64_t)u;
		return VP_OK;
	}
	}
	return VP_EINVAL;
}

static const struct vp_cfg_opt *find_opt(
    const struct vp_cfg_opt *opts, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(opts[i].name) == len &&
		    !strncmp(opts[i].name, name, len))
			return &opts[i];
	return NULL;
}

int vp_cfg_load(const struct vp_cfg_opt *opts, size_t n, void *cfg, int argc,
    char **argv, const char **pos, size_t max_pos, size_t *n_pos, char *err,
    size_t errlen)
{
	char from[160];
	bool only_pos = false;
	int rv;

	if (n_pos != NULL)
		*n_pos = 0;
	for (size_t i = 0; i < n; i++) {
		const struct vp_cfg_opt *o = &opts[i];
		char env[96];
		const char *v;
		snprintf(from, sizeof(from), "default of --%s", o->name);
		if ((o->def != NULL || o->type == VP_CFG_STR) &&
		    (rv = set_value(o, cfg, o->def, from, err, errlen)) !=
		        VP_OK)
			return rv;
		env_name(o->name, env, sizeof(env));
		if ((v = getenv(env)) != NULL) {
			snprintf(from, sizeof(from), "%s", env);
			if ((rv = set_value(o, cfg, v, from, err, errlen)) !=
			    VP_OK)
				return rv;
		}
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct vp_cfg_opt *o = NULL;
		const char *val = NULL, *name;
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
			for (size_t k = 0; k < n; k++)
				if (opts[k].shortopt != 0 &&
				    a[1] == opts[k].shortopt && a[2] == '\0')
					o = &opts[k];
			if (o == NULL) {
				snprintf(err, errlen,
				    "unknown option '%s' (see --help)", a);
				return VP_EINVAL;
			}
		} else {
			name = a + 2;
			const char *eq = strchr(name, '=');
			nl = eq ? (size_t)(eq - name) : strlen(name);
			if (eq)
				val = eq + 1;
			o = find_opt(opts, n, name, nl);
			if (o == NULL && nl > 3 &&
			    strncmp(name, "no-", 3) == 0) {
				o = find_opt(opts, n, name + 3, nl - 3);
				if (o != NULL && o->type != VP_CFG_BOOL)
					o = NULL;
				neg = o != NULL;
			}
			if (o == NULL) {
				snprintf(err, errlen,
				    "unknown option '%s' (see --help)", a);
				return VP_EINVAL;
			}
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
		if ((rv = set_value(o, cfg, val, from, err, errlen)) != VP_OK)
			return rv;
	}
	return VP_OK;
}

void vp_cfg_usage(FILE *f, const struct vp_cfg_opt *opts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct vp_cfg_opt *o = &opts[i];
		char env[96], flag[96];
		const char *arg = o->type == VP_CFG_BOOL     ? ""
		                  : o->type == VP_CFG_UINT   ? "=N"
		                  : o->type == VP_CFG_URL    ? "=URL"
		                  : o->type == VP_CFG_CHOICE ? "=WORD"
		                                             : "=TEXT";
		env_name(o->name, env, sizeof(env));
		if (o->shortopt)
			snprintf(flag, sizeof(flag), "-%c, --%s%s", o->shortopt,
			    o->name, arg);
		else
			snprintf(
			    flag, sizeof(flag), "    --%s%s", o->name, arg);
		fprintf(f, "  %-28s %s\n", flag, o->help);
		fprintf(f, "  %-28s   env %s", "", env);
		if (o->type == VP_CFG_CHOICE)
			fprintf(f, "; one of %s", o->choices);
		if (o->type == VP_CFG_UINT)
			fprintf(f, "; %llu..%llu", (unsigned long long)o->min,
			    (unsigned long long)o->max);
		if (o->def != NULL && o->def[0] != '\0')
			fprintf(f, "; default %s", o->def);
		fputc('\n', f);
	}
}

int vp_cfg_main(const struct vp_cfg_opt *opts, size_t n, void *cfg, int argc,
    char **argv, const char **pos, size_t max_pos, size_t *n_pos,
    const char *prog, const char *about)
{
	char err[256];
	if (vp_cfg_load(opts, n, cfg, argc, argv, pos, max_pos, n_pos, err,
	        sizeof(err)) != VP_OK) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 2;
	}
	for (size_t i = 0; i < n; i++)
		if (opts[i].type == VP_CFG_BOOL &&
		    !strcmp(opts[i].name, "help") &&
		    *(const int *)((const char *)cfg + opts[i].off)) {
			printf("usage: %s [OPTIONS]\n%s\n\noptions:\n", prog,
			    about);
			vp_cfg_usage(stdout, opts, n);
			return 0;
		}
	return -1;
}
