#!/usr/bin/env bash
# Build the lab image labnet/busybox:latest from Debian's busybox-static with
# `docker import` (no registry). Skipped when the image exists; FORCE=1 rebuilds.
# The recipe itself is roles/engine/files/build-busybox-image.sh.
set -euo pipefail
IMAGE=${LABNET_BUSYBOX_IMAGE:-labnet/busybox:latest}
if [ -z "${FORCE:-}" ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  exit 0
fi
# A static busybox with nslookup is needed; Debian's busybox package (dynamically linked) is replaced.
if [ ! -x /bin/busybox ] || ! /bin/busybox --list | grep -qx nslookup || ldd /bin/busybox >/dev/null 2>&1; then
  command -v apt-get >/dev/null || { echo "build-busybox-image: install a static busybox at /bin/busybox" >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static >/dev/null
fi
# One recipe for the host and for lab machines: the engine role's script.
exec "$(dirname "$0")/../roles/engine/files/build-busybox-image.sh" "$IMAGE" /bin/busybox
