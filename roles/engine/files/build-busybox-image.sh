#!/bin/sh
# Build the busybox lab image with `docker import` from a static busybox binary:
# the binary, its applet links, a passwd/group and a page for httpd. No registry.
# Usage: build-busybox-image.sh IMAGE [BUSYBOX]   (BUSYBOX defaults to /bin/busybox)
set -eu
IMAGE=${1:?usage: build-busybox-image.sh IMAGE [BUSYBOX]}
BUSYBOX=${2:-/bin/busybox}
if [ ! -x "$BUSYBOX" ] || ! "$BUSYBOX" --list | grep -qx nslookup; then
  echo "build-busybox-image: $BUSYBOX is not a busybox with nslookup (Debian: install busybox-static)" >&2
  exit 1
fi
# The image has no C library: a dynamically linked busybox (Debian's busybox package) could not run in it.
if command -v ldd >/dev/null 2>&1 && ldd "$BUSYBOX" >/dev/null 2>&1; then
  echo "build-busybox-image: $BUSYBOX is dynamically linked; the image needs a static one (Debian: busybox-static)" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/etc" "$tmp/tmp" "$tmp/root" "$tmp/www" "$tmp/proc" "$tmp/sys" "$tmp/dev"
cp "$BUSYBOX" "$tmp/bin/busybox"
for applet in $("$BUSYBOX" --list); do
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
echo "build-busybox-image: built $IMAGE from $BUSYBOX"
