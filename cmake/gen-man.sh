#!/bin/sh
# gen-man.sh HELP2MAN PROGRAM VERSION NAME-LINE OUT: writes the man page of
# PROGRAM made by help2man from its --help. Two touches help2man does not do
# for our --help layout: the "usage: ..." line becomes the SYNOPSIS (help2man
# only knows "Usage:"), and each option's "env VP_..." line stays a line of
# its own instead of running into the option's text.
set -eu
[ $# -eq 5 ] || { echo "usage: gen-man.sh HELP2MAN PROGRAM VERSION NAME-LINE OUT" >&2; exit 2; }
"$1" --no-info --section=1 --version-string="$3" --name="$4" "$2" | awk '
	held != "" && /^usage: / {
		sub(/^usage: /, "")
		print ".SH SYNOPSIS"; print; print held
		held = ""; next
	}
	held != "" { print held; held = "" }
	/^\.SH DESCRIPTION$/ { held = $0; next }
	/^env VP_/ { print ".br" }
	{ print }
	END { if (held != "") print held }
' >"$5.tmp"
mv "$5.tmp" "$5"
