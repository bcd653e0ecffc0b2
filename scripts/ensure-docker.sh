#!/usr/bin/env bash
# Use the Docker engine that answers; otherwise install Debian's docker.io and
# start dockerd in the background (log: build/dockerd.log). Idempotent.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/build"
mkdir -p "$BUILD"
say() { echo "ensure-docker: $*"; }
die() { echo "ensure-docker: ERROR: $*" >&2; exit 1; }

if docker info >/dev/null 2>&1; then
  exit 0
fi
if ! command -v dockerd >/dev/null; then
  command -v apt-get >/dev/null || die "no Docker engine answers and this is not a Debian/Ubuntu system: install Docker Engine (docker.io or docker-ce), start it, and run again."
  [ "$(id -u)" = 0 ] || die "no Docker engine answers; installing one needs root."
  say "installing Debian's docker.io"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io iptables >"$BUILD/apt-docker.log" 2>&1 \
    || { tail -20 "$BUILD/apt-docker.log" >&2; die "apt-get install docker.io failed"; }
fi
if ! docker info >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || die "dockerd is installed but not answering; starting it needs root."
  # A pid file left by a daemon that died with an earlier session would stop the new one.
  if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    rm -f /var/run/docker.pid
  fi
  say "starting dockerd (log: $BUILD/dockerd.log)"
  setsid nohup dockerd >>"$BUILD/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
fi
docker info >/dev/null 2>&1 || { tail -20 "$BUILD/dockerd.log" >&2; die "dockerd did not answer within 60 s (log: $BUILD/dockerd.log)"; }
say "Docker engine $(docker version --format '{{.Server.Version}}') answers"
