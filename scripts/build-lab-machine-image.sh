#!/usr/bin/env bash
# Build the lab-machine image labnet/lab-machine:latest locally (never pulled):
# a Debian root file system made with mmdebstrap (Python 3, Docker engine,
# Docker SDK for Python, busybox), `docker import`ed, plus an init script that
# starts a nested dockerd (scripts/lab-machine/). Used as Docker-in-Docker
# swarm nodes by the overlay role, as molecule instances and, with sshd, as
# classroom machines (scripts/classroom.sh).
#
# Cached: skipped when the image carries the hash of this script and of
# scripts/lab-machine/ in its label labnet.image.build-hash. FORCE=1 rebuilds.
# LAB_MACHINE_SUITE (default bookworm) and LAB_MACHINE_MIRROR choose the source;
# `make engines` builds labnet/lab-machine:trixie (Docker 26.1) and :sid (Docker 28.x)
# with it, the engines of the test matrix (docs/engines.md).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC="$ROOT/scripts/lab-machine"
IMAGE=${LABNET_LAB_MACHINE_IMAGE:-labnet/lab-machine:latest}
SUITE=${LAB_MACHINE_SUITE:-bookworm}
HASH_LABEL=labnet.image.build-hash
say() { echo "build-lab-machine-image: $*"; }
die() { echo "build-lab-machine-image: ERROR: $*" >&2; exit 1; }

hash=$( (cat "$0" "$SRC/Dockerfile" "$SRC/lab-machine-init"; echo "$SUITE") | sha256sum | cut -c1-16)
current=$(docker image inspect --format "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$IMAGE" 2>/dev/null || true)
previous=$(docker image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
if [ -z "${FORCE:-}" ] && [ "$current" = "$hash" ]; then
  exit 0
fi

if ! command -v mmdebstrap >/dev/null; then
  command -v apt-get >/dev/null || die "mmdebstrap is missing; install it (Debian/Ubuntu package mmdebstrap) and run again."
  [ "$(id -u)" = 0 ] || die "installing mmdebstrap needs root."
  say "installing mmdebstrap"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
fi
hooks=/usr/share/mmdebstrap/hooks/merged-usr
[ -d "$hooks" ] || die "$hooks is missing (mmdebstrap too old?); without it apt pulls in usrmerge and Perl."

# busybox-static: the engine role builds the busybox lab image from /bin/busybox. openssh-server: a
# classroom machine (scripts/classroom.sh) is reached over SSH like a real one; sshd runs only when the
# container is started with LAB_MACHINE_SSHD=1.
packages=python3,mount,docker.io,python3-docker,iptables,ca-certificates,procps,iproute2,iputils-ping,busybox-static,tini,openssh-server
# From trixie on, docker.io no longer carries the docker CLI.
case "$SUITE" in bookworm|bullseye) ;; *) packages="$packages,docker-cli" ;; esac
base="labnet/lab-machine-rootfs:$hash"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; docker image rm "$base" >/dev/null 2>&1 || true' EXIT

say "building $IMAGE from Debian $SUITE (mmdebstrap, about a minute)"
start=$(date +%s)
# shellcheck disable=SC2016  # the hooks are run by mmdebstrap, which passes the root as $1
mmdebstrap --variant=apt --hook-dir="$hooks" \
  --aptopt='APT::Install-Recommends "false"' \
  --aptopt='Acquire::Check-Valid-Until "false"' \
  --include="$packages" \
  --customize-hook='printf "#!/bin/sh\n# no services start inside the lab machine image\nexit 101\n" >"$1/usr/sbin/policy-rc.d"' \
  --customize-hook='chmod 0755 "$1/usr/sbin/policy-rc.d"' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
  --customize-hook='rm -f "$1"/etc/ssh/ssh_host_*' \
  --customize-hook='sed -i "s/^session\s\+required\s\+pam_loginuid.so/session optional pam_loginuid.so/" "$1/etc/pam.d/sshd"' \
  --quiet "$SUITE" "$tmp/rootfs.tar" ${LAB_MACHINE_MIRROR:+"$LAB_MACHINE_MIRROR"} \
  >"$tmp/mmdebstrap.log" 2>&1 || { tail -20 "$tmp/mmdebstrap.log" >&2; die "mmdebstrap failed"; }

docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD []' \
  "$tmp/rootfs.tar" "$base" >/dev/null

cp "$SRC/Dockerfile" "$SRC/lab-machine-init" "$tmp/"
DOCKER_BUILDKIT=0 docker build --quiet \
  --build-arg "BASE=$base" \
  --label "$HASH_LABEL=$hash" \
  --label "labnet.image=lab-machine" \
  --label "org.opencontainers.image.title=labnet-lab-machine" \
  --tag "$IMAGE" "$tmp" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; die "docker build failed"; }
# The image this one replaces goes too (it is ours: the hash label says so), unless a
# container still uses it.
if [ -n "$current" ] && [ -n "$previous" ]; then
  docker image rm "$previous" >/dev/null 2>&1 || true
fi
say "built $IMAGE in $(( $(date +%s) - start )) s ($(docker image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%d MB", $1/1000000}'))"
