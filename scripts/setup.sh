#!/usr/bin/env bash
# One-command setup for a fresh Debian/Ubuntu machine (run as root); idempotent.
#   - Python tools into .venv from requirements/test.txt
#   - this collection linked into build/collections (community.docker comes with the `ansible` package)
#   - a Docker engine: the running one if `docker info` answers, else Debian's docker.io started in the background
#   - the lab images labnet/busybox:latest and labnet/lab-machine:latest, built locally (never pulled)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/build"
VENV="$ROOT/.venv"
mkdir -p "$BUILD"
say() { echo "setup: $*"; }
die() { echo "setup: ERROR: $*" >&2; exit 1; }

APT_UPDATED=""
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing ${missing[*]}; this setup installs them only on Debian/Ubuntu (apt-get). Install them with your package manager and run again."
  [ "$(id -u)" = 0 ] || die "installing ${missing[*]} needs root; run as root or install them yourself."
  if [ -z "$APT_UPDATED" ]; then apt-get update -qq; APT_UPDATED=1; fi
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$BUILD/apt.log" 2>&1 \
    || { tail -20 "$BUILD/apt.log" >&2; die "apt-get install ${missing[*]} failed (log: $BUILD/apt.log)"; }
}

# --- OS tools: git (sanity copies the tracked files), shellcheck (sanity), iproute2 (ip and ss,
# for the reliability suite's private engine), graphviz (the lab report's diagram), chromium (the
# suite opens the lab report in a headless browser), openssh-client (ssh and ssh-keygen: `make classroom`
# reaches its lab machines over SSH) --------------------------------
apt_install git shellcheck iproute2 graphviz chromium openssh-client

# --- Python tools -----------------------------------------------------------
PYTHON=${PYTHON:-python3}
stamp=$(sha256sum "$ROOT/requirements/test.txt" | cut -c1-16)
if [ "$(cat "$VENV/.labnet-stamp" 2>/dev/null)" != "$stamp" ]; then
  # An existing venv (or a link to a shared one, which `python -m venv` cannot re-create) gets the
  # missing packages only.
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV"
    "$PYTHON" -m venv "$VENV" || { apt_install python3-venv; "$PYTHON" -m venv "$VENV"; }
  fi
  say "installing requirements/test.txt into $VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/requirements/test.txt" >"$BUILD/pip.log" 2>&1 \
    || { tail -20 "$BUILD/pip.log" >&2; die "pip install failed (log: $BUILD/pip.log)"; }
  echo "$stamp" >"$VENV/.labnet-stamp"
fi

# --- this collection, where Ansible looks for it -------------------------------
mkdir -p "$BUILD/collections/ansible_collections/labnet"
# Only when it is not there yet: tests run `make` targets while other tests of the same run use the link.
link="$BUILD/collections/ansible_collections/labnet/docker"
[ "$(readlink "$link" 2>/dev/null)" = "$ROOT" ] || ln -sfn "$ROOT" "$link"

# --- Docker engine ------------------------------------------------------------
"$ROOT/scripts/ensure-docker.sh"

# --- lab images ------------------------------------------------------------------
"$ROOT/scripts/build-busybox-image.sh"
"$ROOT/scripts/build-lab-machine-image.sh"
say "ready"
