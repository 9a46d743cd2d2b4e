/* gw_assets.h - the gateway's web page, embedded at build time
 * (embed.cmake writes the table from the files of web/). */
#ifndef GW_ASSETS_H
#define GW_ASSETS_H

#include <stddef.h>

struct gw_asset {
	const char *path; /* "/" for index.html, else "/NAME" */
	const char *type; /* Content-Type */
	const unsigned char *data;
	size_t len;
};

extern const struct gw_asset gw_assets[];
extern const size_t gw_n_assets;

#endif
