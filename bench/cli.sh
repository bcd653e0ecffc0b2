#!/usr/bin/env bash
# Bench variant (b): the docker CLI in a shell loop, written the way an idempotent lab script
# would be: one `docker network inspect` per network tells whether it exists and who is on it;
# only what is missing is created or connected. It checks existence, not settings.
#   cli.sh converge|teardown SPEC LABEL
# SPEC has one line per network: NAME SUBNET-or-dash CONTAINER[,CONTAINER...]
set -euo pipefail
mode=$1
spec=$2
label=$3

while read -r net subnet containers; do
  if attached=$(docker network inspect -f '{{range .Containers}}{{.Name}} {{end}}' "$net" 2>/dev/null); then
    exists=1
  else
    exists=0
    attached=""
  fi
  IFS=, read -r -a wanted <<<"$containers"
  if [ "$mode" = converge ]; then
    if [ "$exists" = 0 ]; then
      subnet_args=()
      [ "$subnet" != - ] && subnet_args=(--subnet "$subnet")
      docker network create "${subnet_args[@]}" --label "$label" "$net" >/dev/null
    fi
    for container in "${wanted[@]}"; do
      case " $attached " in
        *" $container "*) ;;
        *) docker network connect "$net" "$container" ;;
      esac
    done
  elif [ "$exists" = 1 ]; then
    for container in $attached; do
      docker network disconnect "$net" "$container"
    done
    docker network rm "$net" >/dev/null
  fi
done <"$spec"
