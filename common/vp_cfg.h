/* vp_cfg.h - one table of configuration per library, one loader that fails
 * fast.
 *
 * Each library describes the options of the struct it is configured with in
 * one table beside that struct (name, type, default, bounds, help, and where
 * the member lives); a program composes the tables it needs into a list of
 * struct vp_cfg_table and loads them at once, so the values land in the
 * library's own struct with no copying. The loader applies, in order: the
 * default, the environment variable VP_<NAME> (name upper-cased,
 * '-' -> '_'), then the command-line flag --<name>=VALUE or --<name> VALUE
 * (booleans: --<name> / --no-<name>). Values are validated; a bad one is a
 * clear message (and the caller exits 2).
 *
 * An option whose default is NULL keeps the value already in the struct, so
 * a library with a *_default() function states its defaults once, there;
 * --help then shows that value.
 */
#ifndef VP_CFG_H
#define VP_CFG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum vp_cfg_type {
	VP_CFG_STR,  /* const char * */
	VP_CFG_UINT, /* an unsigned integer (or a non-negative signed one)
	                within [min, max], of the member's size */
	VP_CFG_BOOL, /* bool or int: 0/1; accepts 1/0, true/false, yes/no,
	                on/off */
	VP_CFG_URL,  /* const char *: an nng URL (tcp://, inproc://, ipc://) */
	VP_CFG_CHOICE, /* const char *: one of the '|'-separated words in
	                  choices */
	VP_CFG_ENUM,   /* int: the index of the word in choices */
};

struct vp_cfg_opt {
	const char *name; /* "api-url" -> --api-url, VP_API_URL */
	enum vp_cfg_type type;
	const char *def;     /* default as text; NULL = keep the struct's */
	uint64_t min, max;   /* UINT bounds */
	const char *choices; /* CHOICE, ENUM: "table|json|jsonl" */
	size_t off;          /* offset of the member in the config struct */
	const char *help;
	char shortopt; /* optional one-letter flag (-f), 0 = none */
	/* sizeof the member; 0 = uint64_t for UINT, int for BOOL */
	size_t size;
};

/* Where a member lives: VP_CFG_AT(struct fetch_opts, host_rate). */
#define VP_CFG_AT(T, m) .off = offsetof(T, m), .size = sizeof(((T *)0)->m)

/* One table entry per type (at is a VP_CFG_AT). */
#define VP_OPT_STR(nm, at, d, h)                                               \
	{                                                                      \
		.name = (nm), .type = VP_CFG_STR, at, .def = (d), .help = (h)  \
	}
#define VP_OPT_URL(nm, at, d, h)                                               \
	{                                                                      \
		.name = (nm), .type = VP_CFG_URL, at, .def = (d), .help = (h)  \
	}
#define VP_OPT_UINT(nm, at, d, lo, hi, h)                                      \
	{                                                                      \
		.name = (nm), .type = VP_CFG_UINT, at, .def = (d),             \
		.min = (lo), .max = (hi), .help = (h)                          \
	}
#define VP_OPT_BOOL(nm, at, d, h)                                              \
	{                                                                      \
		.name = (nm), .type = VP_CFG_BOOL, at, .def = (d), .help = (h) \
	}
#define VP_OPT_CHOICE(nm, at, d, ch, h)                                        \
	{                                                                      \
		.name = (nm), .type = VP_CFG_CHOICE, at, .def = (d),           \
		.choices = (ch), .help = (h)                                   \
	}
#define VP_OPT_ENUM(nm, at, d, ch, h)                                          \
	{                                                                      \
		.name = (nm), .type = VP_CFG_ENUM, at, .def = (d),             \
		.choices = (ch), .help = (h)                                   \
	}

/* One table and the struct its members live in. */
struct vp_cfg_table {
	const struct vp_cfg_opt *opts;
	size_t n;
	void *base;
};

/* Loads the tables t[0..nt) from defaults, environment and argv[1..argc).
 * Non-option arguments are stored in order in pos[0..*n_pos) (up to
 * max_pos; argv strings, not copied); "--" ends the options. Strings stored
 * are argv, environment or default strings (not copied). On error (a bad
 * value, an unknown flag, or one name in two tables) returns VP_EINVAL and
 * writes a one-line message to err. */
int vp_cfg_load_tables(const struct vp_cfg_table *t, size_t nt, int argc,
    char **argv, const char **pos, size_t max_pos, size_t *n_pos, char *err,
    size_t errlen);

/* vp_cfg_load_tables with one table. */
int vp_cfg_load(const struct vp_cfg_opt *opts, size_t n, void *cfg, int argc,
    char **argv, const char **pos, size_t max_pos, size_t *n_pos, char *err,
    size_t errlen);

/* Writes "<prog>: warning: ..." to f for every VP_* environment variable
 * that names no option of the tables (a typo would otherwise be ignored
 * silently). Returns the number of such variables. */
size_t vp_cfg_warn_env(
    FILE *f, const struct vp_cfg_table *t, size_t nt, const char *prog);

/* The start of a program's main(): loads the tables (see
 * vp_cfg_load_tables; pos may be NULL when the program takes no arguments)
 * and warns of unknown VP_* variables. A bad value prints "<prog>:
 * <message>" and returns 2; when an option named "help" is set, prints
 * "usage: <prog> [OPTIONS]", about and the options, and returns 0: so
 * "--help" after other options checks them all and starts nothing.
 * Otherwise returns -1: go on. */
int vp_cfg_main_tables(const struct vp_cfg_table *t, size_t nt, int argc,
    char **argv, const char **pos, size_t max_pos, size_t *n_pos,
    const char *prog, const char *about);

/* vp_cfg_main_tables with one table. */
int vp_cfg_main(const struct vp_cfg_opt *opts, size_t n, void *cfg, int argc,
    char **argv, const char **pos, size_t max_pos, size_t *n_pos,
    const char *prog, const char *about);

/* Prints one line per option: flag, environment variable, default, help.
 * An option without a default text shows the value now in its struct. */
void vp_cfg_usage_tables(FILE *f, const struct vp_cfg_table *t, size_t nt);

/* vp_cfg_usage_tables with one table (cfg may be NULL: no struct values). */
void vp_cfg_usage(
    FILE *f, const struct vp_cfg_opt *opts, size_t n, const void *cfg);

#endif
