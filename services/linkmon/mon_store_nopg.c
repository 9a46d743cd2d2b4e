/* mon_store_nopg.c - stands in for the PostgreSQL store when libpq is
 * missing at build time: mon_store_open then says so. */
#include "mon.h"

const struct mon_store_ops *const mon_pg_ops = 0;
