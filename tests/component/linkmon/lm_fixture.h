/* lm_fixture.h - a tiny HTTP server on 127.0.0.1 for the link monitor's
 * tests whose answers the test switches while it runs (path -> status,
 * body); unknown paths answer 404. */
#ifndef LM_FIXTURE_H
#define LM_FIXTURE_H

#include <stdint.h>

struct lm_fixture;

/* Starts on a free port; returns 0 or -errno. */
int lm_fixture_start(struct lm_fixture **f);
uint16_t lm_fixture_port(const struct lm_fixture *f);
/* Sets what path answers from now on (body copied; NULL = empty). */
void lm_fixture_set(
    struct lm_fixture *f, const char *path, int status, const char *body);
void lm_fixture_stop(struct lm_fixture *f);

#endif
