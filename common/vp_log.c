/* JSON-lines logger: formats the message, escapes it as a JSON string and
 * writes the whole line with one write(2) so lines from threads never mix. */
#include "vp_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int vp_log_threshold = VP_LOG_INFO;
static char log_service[64] = "vindplaats";

void vp_log_init(const char *service, int level)
{
	if (service != NULL)
		snprintf(log_service, sizeof(log_service), "%s", service);
	vp_log_threshold = level;
}

int vp_log_level_parse(const char *name)
{
	static const char *names[] = {"debug", "info", "warn", "error", "off"};
	for (int i = 0; i < 5; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

/* Appends s to out as JSON string content; returns the new length. */
static size_t json_escape(char *out, size_t pos, size_t cap, const char *s)
{
	for (; *s != '\0' && pos + 7 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[pos++] = '\\';
			out[pos++] = (char)c;
		} else if (c == '\n') {
			out[pos++] = '\\';
			out[pos++] = 'n';
		} else if (c < 0x20) {
			pos += (size_t)snprintf(
			    out + pos, cap - pos, "\\u%04x", c);
		} else {
			out[pos++] = (char)c;
		}
	}
	return pos;
}

void vp_log_emit(int level, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	char msg[2048];
	char line[4608];
	struct timespec ts;
	struct tm tm;
	size_t n;
	va_list ap;

	if (level < 0 || level > VP_LOG_ERROR)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = (size_t)snprintf(line, sizeof(line),
	    "{\"ts\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\",\"level\":\"%s\","
	    "\"svc\":\"%s\",\"msg\":\"",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, ts.tv_nsec / 1000000, names[level], log_service);
	n = json_escape(line, n, sizeof(line) - 4, msg);
	line[n++] = '"';
	line[n++] = '}';
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0) {
		/* nowhere left to report a failing stderr */
	}
}
