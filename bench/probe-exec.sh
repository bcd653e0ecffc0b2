#!/usr/bin/env bash
# Bench probe floor: the same probes as network_probe, as a plain loop of `docker exec`.
#   probe-exec.sh SPEC PARALLEL
# SPEC has one probe a line: CONTAINER EXPECT COMMAND... (the command line network_probe runs,
# with no spaces inside an argument). A probe is reachable when its command exits 0.
# PARALLEL 1 runs them one after another; more runs that many at once with xargs -P.
# Exits 1 (naming each) when an observation differs from its expectation.
set -u
spec=$1
parallel=$2

one() {
  local container=$1 expect=$2 seen=unreachable
  shift 2
  if docker exec -u 0 -e LC_ALL=C "$container" "$@" >/dev/null 2>&1 </dev/null; then
    seen=reachable
  fi
  if [ "$seen" != "$expect" ]; then
    echo "$container $*: expected $expect, observed $seen" >&2
    return 1
  fi
}

if [ "$parallel" -le 1 ]; then
  failed=0
  while read -r -a probe; do
    one "${probe[@]}" || failed=1
  done <"$spec"
  exit "$failed"
fi
export -f one
xargs -P "$parallel" -L 1 bash -c 'one "$@"' probe <"$spec" || exit 1
