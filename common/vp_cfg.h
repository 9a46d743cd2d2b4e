/* vp_cfg.h - one table of configuration, one loader that fails fast.
 *
 * Each program describes its options once (name, type, default, bounds,
 * help). The loader applies, in order: the default, the environment variable
 * VP_<NAME> (name upper-cased, '-' -> '_'), then the command-line flag
 * --<name>=VALUE or --<name> VALUE (booleans: --<name> / --no-<name>).
 * Values are validated; a bad one is a clear message (and the caller exits 2).
 */
#ifndef VP_CFG_H
#define VP_CFG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum vp_cfg_type {
	VP_CFG_STR,  /* const char * */
	VP_CFG_UINT, /* uint64_t within [min, max] */
	VP_CFG_BOOL, /* int: 0/1; accepts 1/0, true/false, yes/no, on/off */
	VP_CFG_URL,  /* const char *: an nng URL (tcp://, inproc://, ipc://) */
	VP_CFG_CHOICE, /* const char *: one of the '|'-separated words in
	                  choices */
};

struct vp_cfg_opt {
	const char *name; /* "api-url" -> --api-url, VP_API_URL */
	enum vp_cfg_type type;
	const char *def;     /* default as text; NULL = unset (STR only) */
	uint64_t min, max;   /* UINT bounds */
	const char *choices; /* CHOICE: "table|json|jsonl" */
	size_t off;          /* offset of the member in the config struct */
	const char *help;
	char shortopt; /* optional one-letter flag (-f), 0 = none */
};

/* Loads cfg from defaults, environment and argv[1..argc). Non-option
 * arguments are stored in order in pos[0..*n_pos) (up to max_pos; argv
 * strings, not copied); "--" ends the options. On error returns VP_EINVAL and
 * writes a one-line message to err. */
int vp_cfg_load(const struct vp_cfg_opt *opts, size_t n, void *cfg, int argc,
    char **argv, const char **pos, size_t max_pos, size_t *n_pos, char *err,
    size_t errlen);

/* The start of a service binary's main(): loads cfg (see vp_cfg_load; pos
 * may be NULL when the program takes no arguments). A bad value prints
 * "<prog>: <message>" and returns 2; when the table's "help" option is set,
 * prints "usage: <prog> [OPTIONS]", about and the options, and returns 0.
 * Otherwise returns -1: go on. */
int vp_cfg_main(const struct vp_cfg_opt *opts, size_t n, void *cfg, int argc,
    char **argv, const char **pos, size_t max_pos, size_t *n_pos,
    const char *prog, const char *about);

/* Prints one line per option: flag, environment variable, default, help. */
void vp_cfg_usage(FILE *f, const struct vp_cfg_opt *opts, size_t n);

#endif
