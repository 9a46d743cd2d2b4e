/* vp_log.h - JSON-lines logging on stderr.
 * One object per line: {"ts":..., "level":..., "svc":..., "msg":...}.
 * The macros check the level before evaluating their arguments. */
#ifndef VP_LOG_H
#define VP_LOG_H

enum vp_log_level {
	VP_LOG_DEBUG = 0,
	VP_LOG_INFO = 1,
	VP_LOG_WARN = 2,
	VP_LOG_ERROR = 3,
	VP_LOG_OFF = 4,
};

extern int vp_log_threshold;

/* Sets the service name written in every line and the minimum level. */
void vp_log_init(const char *service, int level);

/* Parses "debug", "info", "warn", "error" or "off"; returns -1 if unknown. */
int vp_log_level_parse(const char *name);

/* Writes one log line (thread-safe, one write(2) per line). */
void vp_log_emit(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define VP_LOG(lvl, ...)                                                       \
	do {                                                                   \
		if ((lvl) >= vp_log_threshold)                                 \
			vp_log_emit((lvl), __VA_ARGS__);                       \
	} while (0)
#define VP_DEBUG(...) VP_LOG(VP_LOG_DEBUG, __VA_ARGS__)
#define VP_INFO(...)  VP_LOG(VP_LOG_INFO, __VA_ARGS__)
#define VP_WARN(...)  VP_LOG(VP_LOG_WARN, __VA_ARGS__)
#define VP_ERROR(...) VP_LOG(VP_LOG_ERROR, __VA_ARGS__)

#endif
