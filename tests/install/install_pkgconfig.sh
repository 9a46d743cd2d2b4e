#!/usr/bin/env bash
# install_pkgconfig: installs a build into a temporary prefix the way a
# package would (cmake --install --prefix) and uses it the way a user would:
# the programs and their man pages are there (and no test programs), the law
# table is under share/vindplaats/, and a small C program builds against
# libvp-client through `pkg-config vindplaats`, once shared and once static,
# and runs.
#   install_pkgconfig.sh BUILD_DIR      (CC and PKG_CONFIG from the environment)
set -euo pipefail
build=${1:?usage: install_pkgconfig.sh BUILD_DIR}
root=${VP_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cc=${CC:-cc}
pkg_config=${PKG_CONFIG:-pkg-config}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

fail() {
	echo "install_pkgconfig: $*" >&2
	exit 1
}

cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" ||
	{ cat "$tmp/install.log" >&2; fail "cmake --install failed"; }

# the programs, each with a man page that documents its options
programs="vindplaats vp-dispatcher vp-fetcher vp-gateway vp-linkmon vp-parser vp-splitter"
installed=$(cd "$prefix/bin" && ls | sort | tr '\n' ' ')
[ "$installed" = "$programs " ] ||
	fail "bin/ holds '$installed', expected '$programs '"
for p in $programs; do
	page=$prefix/share/man/man1/$p.1
	[ -s "$page" ] || fail "no man page $p.1"
	grep -q '^\.SH NAME' "$page" || fail "$p.1 has no NAME section"
	grep -q -- '-\\-help' "$page" || fail "$p.1 does not document --help"
	# an option of the binary's --help appears in the page
	opt=$("$prefix/bin/$p" --help | grep -o -- '--[a-z][a-z-]*' | grep -v -- '--help' | head -1)
	grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$page" ||
		fail "$p.1 does not document $opt"
done

# the law table, byte for byte
for t in bwb-titles.tsv law-abbrev.tsv eu-acts.tsv; do
	cmp -s "$root/data/$t" "$prefix/share/vindplaats/$t" ||
		fail "share/vindplaats/$t missing or different"
done
# the installed regulation table loads as a --parser-laws table
"$prefix/bin/vindplaats" parse --format jsonl \
	--parser-laws "$prefix/share/vindplaats/bwb-titles.tsv" \
	--text 'artikel 3 van de Wegenwet' | grep -q 'BWBR0001948' ||
	fail "the installed law table does not load with --parser-laws"

# a user's program: only <vp_client.h> and <vp_err.h> from the install
pc=$(find "$prefix" -name vindplaats.pc)
[ -n "$pc" ] || fail "no vindplaats.pc installed"
export PKG_CONFIG_PATH=$(dirname "$pc")
libdir=$("$pkg_config" --variable=libdir vindplaats)
cat >"$tmp/prog.c" <<'PROG'
#include <vp_client.h>
#include <vp_err.h>

#include <stdio.h>
#include <stdlib.h>

/* Opens a client (the dial does not wait for a dispatcher), then does what a
 * caller does with a reply: an error envelope through the codec and back,
 * formatted for a person. */
int main(void)
{
	struct vp_client *c = NULL;
	char err[256] = "";
	int rv = vp_client_open(&c, "inproc://vp-install-test", 0, err, sizeof err);
	if (rv != VP_OK) {
		fprintf(stderr, "open: %s: %s\n", vp_strerror(rv), err);
		return 1;
	}
	vp_client_close(c);

	struct vp_msg m, back;
	uint8_t *buf = NULL;
	size_t len = 0;
	struct vp_decode_err why;
	if (vp_msg_init(&m, VP_T_ERROR) != VP_OK ||
	    vp_msg_set_error(&m, VP_ETIMEDOUT, "no dispatcher") != VP_OK ||
	    vp_msg_encode(&m, &buf, &len) != VP_OK)
		return 1;
	rv = vp_msg_decode(&back, buf, len, NULL, &why);
	free(buf);
	vp_msg_clear(&m);
	if (rv != VP_OK || back.err == NULL)
		return 1;
	printf("%s: %s: %s (%s)\n", vp_type_name(back.type), back.err->code,
	    back.err->msg, vp_strerror(vp_err_from_code(back.err->code)));
	vp_msg_clear(&back);
	return 0;
}
PROG
expect="error: timeout: no dispatcher (deadline passed)"

# shared: libvp-client.so found at run time through LD_LIBRARY_PATH
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror -o "$tmp/prog-shared" "$tmp/prog.c" \
	$("$pkg_config" --cflags --libs vindplaats) || fail "shared build failed"
readelf -d "$tmp/prog-shared" | grep -q 'NEEDED.*libvp-client\.so' ||
	fail "prog-shared does not use libvp-client.so"
out=$(LD_LIBRARY_PATH=$libdir "$tmp/prog-shared") || fail "prog-shared: '$out'"
[ "$out" = "$expect" ] || fail "prog-shared printed '$out'"

# static: libvp-client.a plus what --static adds (a linker prefers the .so
# for -lvp-client, so the archive is named)
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror -o "$tmp/prog-static" "$tmp/prog.c" \
	$("$pkg_config" --cflags vindplaats) \
	$("$pkg_config" --libs --static vindplaats | sed 's/-lvp-client\b/-l:libvp-client.a/') ||
	fail "static build failed"
if readelf -d "$tmp/prog-static" | grep -q 'NEEDED.*libvp-client'; then
	fail "prog-static still needs libvp-client.so"
fi
out=$("$tmp/prog-static") || fail "prog-static: '$out'"
[ "$out" = "$expect" ] || fail "prog-static printed '$out'"

echo "install_pkgconfig: ok ($prefix: $programs, man pages, law table, shared and static libvp-client)"
