#!/usr/bin/env bash
# Makes the base image deploy/Dockerfile starts from, debian:bookworm-slim,
# on a machine that reaches a Debian mirror but no container registry:
# debootstrap a minimal bookworm, strip what a slim image leaves out
# (documentation, manual pages, translations; the copyright files stay),
# and import it.
#
#   deploy/make-base-image.sh [TAG]     TAG defaults to debian:bookworm-slim
#
# Environment: ENGINE (podman or docker; the first found), MIRROR and
# SECURITY_MIRROR (default: the mirrors of this machine's apt sources, else
# deb.debian.org). Needs root (debootstrap) and the debootstrap package.
set -euo pipefail
TAG=${1:-debian:bookworm-slim}
SUITE=bookworm

die() { echo "make-base-image: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "debootstrap needs root"
command -v debootstrap >/dev/null || die "debootstrap missing (apt-get install debootstrap)"
if [ -z "${ENGINE:-}" ]; then
  for e in podman docker; do command -v "$e" >/dev/null && { ENGINE=$e; break; }; done
fi
[ -n "${ENGINE:-}" ] || die "neither podman nor docker found"

# The mirrors this machine's apt uses (one-line .list and deb822 .sources).
apt_uris() {
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; break } }'
  cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '$1 == "URIs:" { for (i = 2; i <= NF; i++) print $i }'
}
uris=$(apt_uris | grep -i '/debian' || true)
MIRROR=${MIRROR:-$(echo "$uris" | grep -v -- '-security' | head -1)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${SECURITY_MIRROR:-$(echo "$uris" | grep -- '-security' | head -1)}
SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}

root=$(mktemp -d "${TMPDIR:-/tmp}/vp-rootfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
echo "make-base-image: debootstrap $SUITE from $MIRROR" >&2
debootstrap --variant=minbase "$SUITE" "$root" "$MIRROR" >"$root.log" 2>&1 ||
  { tail -n 20 "$root.log" >&2; rm -f "$root.log"; die "debootstrap failed"; }
rm -f "$root.log"

# What packages installed later leave out too (dpkg path filters).
cat >"$root/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
# a slim image: no documentation, manual pages or translations; licences stay
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
EOF
find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/lintian/*
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
cat >"$root/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
EOF
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin \
  "$root"/var/lib/apt/lists/* "$root"/var/log/* "$root"/tmp/*

tar --numeric-owner -C "$root" -c . |
  "$ENGINE" import --change 'CMD ["bash"]' - "$TAG" >/dev/null
echo "make-base-image: $TAG ($(du -sh --apparent-size "$root" | cut -f1) unpacked)" >&2
