#!/usr/bin/env bash
# Build the lab image labnet/busybox:latest from Debian's busybox-static with
# `docker import` (no registry). Skipped when the image exists; FORCE=1 rebuilds.
set -euo pipefail
IMAGE=${LABNET_BUSYBOX_IMAGE:-labnet/busybox:latest}
if [ -z "${FORCE:-}" ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  exit 0
fi
if [ ! -x /bin/busybox ] || ! /bin/busybox --list | grep -qx nslookup; then
  command -v apt-get >/dev/null || { echo "build-busybox-image: install a static busybox at /bin/busybox" >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static >/dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/etc" "$tmp/tmp" "$tmp/root" "$tmp/www" "$tmp/proc" "$tmp/sys" "$tmp/dev"
cp /bin/busybox "$tmp/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "$tmp/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$tmp/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$tmp/etc/group"
echo '<h1>labnet busybox</h1>' >"$tmp/www/index.html"
chmod 1777 "$tmp/tmp"
tar -C "$tmp" -c . | docker import \
  --change 'ENV PATH=/bin' --change 'CMD ["sh"]' \
  --change 'LABEL org.opencontainers.image.title=labnet-busybox labnet.image=busybox' \
  - "$IMAGE" >/dev/null
echo "build-busybox-image: built $IMAGE"
