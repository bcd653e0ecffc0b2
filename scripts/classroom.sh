#!/usr/bin/env bash
# A classroom: CLASSROOM_SIZE lab machines (Docker-in-Docker, each with its own engine and an SSH server)
# reached over SSH the way real lab machines are, and the lab built on all of them at once.
#
#   classroom.sh up     start the machines (or keep those that run, and start those stopped again), write the
#                       key pair, known_hosts and build/classroom/inventory.yml
#   classroom.sh run    run playbooks/lab.yml against that inventory (forks = size) and print the wall time; a
#                       machine that does not answer drops out (rc 4), the others build, check and report
#   classroom.sh down   remove exactly what `up` made: the containers, their volumes and the network carrying
#                       the label labnet.classroom=<id>, and build/classroom
#
# `make classroom CLASSROOM_SIZE=3` is `up` then `run`; `make classroom-down` is `down`. <id> comes from the
# checkout's path, so two checkouts on one engine never touch each other's classroom.
# CLASSROOM_ARGS passes options to ansible-playbook; CLASSROOM_DIR moves build/classroom.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${CLASSROOM_DIR:-$ROOT/build/classroom}
SIZE=${CLASSROOM_SIZE:-3}
IMAGE=${LABNET_LAB_MACHINE_IMAGE:-labnet/lab-machine:latest}
ID=${CLASSROOM_ID:-cr$(echo -n "$ROOT" | sha1sum | cut -c1-8)}
LABEL=labnet.classroom
NET=labnet-classroom-$ID
USER_NAME=root
say() { echo "classroom: $*"; }
die() { echo "classroom: ERROR: $*" >&2; exit 1; }

machine_name() { echo "$NET-m$1"; }
ssh_opts() {
  # The options Ansible gets through the inventory, for the readiness check here.
  echo -o BatchMode=yes -o ConnectTimeout=5 -o IdentitiesOnly=yes -i "$DIR/id_ed25519" \
    -o UserKnownHostsFile="$DIR/known_hosts" -o StrictHostKeyChecking=yes
}
ours() { docker ps -aq --filter "label=$LABEL=$ID" "$@"; }

check_size() {
  [[ "$SIZE" =~ ^[1-9][0-9]*$ ]] || die "CLASSROOM_SIZE must be a whole number from 1, not '$SIZE'"
  [ "$SIZE" -le 10 ] || die "CLASSROOM_SIZE $SIZE: at most 10 machines (each runs its own dockerd)"
}

down() {
  local containers networks
  containers=$(ours)
  if [ -n "$containers" ]; then
    # -v: each machine's anonymous /var/lib/docker volume goes with it.
    # shellcheck disable=SC2086  # one id per word
    docker rm -f -v $containers >/dev/null
  fi
  networks=$(docker network ls -q --filter "label=$LABEL=$ID")
  if [ -n "$networks" ]; then
    # shellcheck disable=SC2086
    docker network rm $networks >/dev/null
  fi
  rm -rf "$DIR"
  say "removed classroom $ID ($(echo "$containers" | grep -c . || true) machines)"
}

start_machine() {
  local name=$1 host=$2 err
  # docker run warns that a DNS server of 127.0.0.1 may fail in containers: that is the point (no lookup
  # leaves the machine), so its output is shown only when the start fails.
  err=$(docker run -d --name "$name" --hostname "$host" --label "$LABEL=$ID" --label "$LABEL.host=$host" \
    --network "$NET" --dns 127.0.0.1 \
    --cap-add SYS_ADMIN --cap-add NET_ADMIN --cap-add SYS_PTRACE \
    --security-opt seccomp=unconfined --security-opt apparmor=unconfined --cgroupns private \
    --mount type=volume,dst=/var/lib/docker \
    --mount "type=bind,src=$DIR/authorized_keys,dst=/root/.ssh/authorized_keys,readonly" \
    -e LAB_MACHINE_SSHD=1 "$IMAGE" 2>&1 >/dev/null) || die "could not start $name: $err"
}

up() {
  check_size
  docker image inspect "$IMAGE" >/dev/null 2>&1 || LABNET_LAB_MACHINE_IMAGE=$IMAGE bash "$ROOT/scripts/build-lab-machine-image.sh"
  mkdir -p "$DIR"
  chmod 0700 "$DIR"
  # The key pair Ansible logs in with: made here, never committed (build/ is ignored).
  if [ ! -f "$DIR/id_ed25519" ]; then
    ssh-keygen -q -t ed25519 -N '' -C "labnet-classroom-$ID" -f "$DIR/id_ed25519"
  fi
  install -m 0600 "$DIR/id_ed25519.pub" "$DIR/authorized_keys"

  # A classroom of another size is made again from scratch. A stopped machine is started again as it is (its engine,
  # lab and host keys are kept; its entry point starts sshd and dockerd).
  local running wanted started=()
  running=$(ours --filter status=running | wc -l)
  wanted=$SIZE
  if [ "$(ours | wc -l)" = "$wanted" ] && [ "$running" != "$wanted" ]; then
    local i name
    for i in $(seq 1 "$SIZE"); do
      name=$(machine_name "$i")
      if [ "$(docker inspect --format '{{.State.Running}}' "$name" 2>/dev/null)" = false ]; then
        say "starting the stopped machine m$i again"
        docker start "$name" >/dev/null
        started+=("$name")
      fi
    done
    running=$(ours --filter status=running | wc -l)
  fi
  if [ "$(ours | wc -l)" != "$wanted" ] || [ "$running" != "$wanted" ]; then
    if [ -n "$(ours)" ]; then
      say "classroom $ID has $(ours | wc -l) machines ($running running), not $wanted: starting again"
      local keep_key
      keep_key=$(mktemp -d)
      cp "$DIR"/id_ed25519* "$keep_key/"
      down >/dev/null
      mkdir -p "$DIR" && chmod 0700 "$DIR" && cp "$keep_key"/* "$DIR/" && rm -rf "$keep_key"
      install -m 0600 "$DIR/id_ed25519.pub" "$DIR/authorized_keys"
    fi
    docker network inspect "$NET" >/dev/null 2>&1 \
      || docker network create --label "$LABEL=$ID" "$NET" >/dev/null
    say "starting $SIZE lab machines ($IMAGE)"
    local i
    for i in $(seq 1 "$SIZE"); do
      start_machine "$(machine_name "$i")" "m$i"
      started+=("$(machine_name "$i")")
    done
  fi

  # Host keys are pinned: each machine made its own on its first start, and they are read here through
  # the engine (a channel that needs no trust on first use), never accepted blindly over the network.
  : >"$DIR/known_hosts.new"
  local i name addr key deadline
  for i in $(seq 1 "$SIZE"); do
    name=$(machine_name "$i")
    addr=$(docker inspect --format "{{ (index .NetworkSettings.Networks \"$NET\").IPAddress }}" "$name")
    deadline=$((SECONDS + 60))
    until key=$(docker exec "$name" cat /etc/ssh/ssh_host_ed25519_key.pub 2>/dev/null) && [ -n "$key" ]; do
      [ $SECONDS -lt $deadline ] || die "$name made no SSH host key within 60 s: $(docker logs --tail 20 "$name" 2>&1)"
      sleep 0.5
    done
    echo "$addr $(echo "$key" | cut -d' ' -f1,2)" >>"$DIR/known_hosts.new"
    echo "m$i $addr" >>"$DIR/known_hosts.new.addrs"
  done
  mv "$DIR/known_hosts.new" "$DIR/known_hosts"

  while read -r host addr; do
    deadline=$((SECONDS + 60))
    # shellcheck disable=SC2046  # ssh_opts is a list of words
    until ssh $(ssh_opts) "$USER_NAME@$addr" true 2>"$DIR/ssh.err"; do
      [ $SECONDS -lt $deadline ] || die "$host ($addr) did not answer over SSH within 60 s: $(cat "$DIR/ssh.err")"
      sleep 0.5
    done
  done <"$DIR/known_hosts.new.addrs"
  rm -f "$DIR/ssh.err"
  # The engine a machine's entry point just started is waited for, so that the engine role finds it answering
  # instead of starting a second dockerd beside one still starting. An engine stopped later is the role's to start.
  for name in "${started[@]}"; do
    deadline=$((SECONDS + 60))
    until docker exec "$name" docker version >/dev/null 2>&1; do
      [ $SECONDS -lt $deadline ] || die "the engine in $name did not answer within 60 s: $(docker exec "$name" tail -5 /var/log/dockerd.log 2>&1)"
      sleep 0.5
    done
  done
  write_inventory <"$DIR/known_hosts.new.addrs"
  rm -f "$DIR/known_hosts.new.addrs"
  say "$SIZE machines answer over SSH; inventory: $DIR/inventory.yml"
}

write_inventory() {
  {
    echo "---"
    echo "# Written by scripts/classroom.sh (classroom $ID): lab machines reached over SSH, host keys pinned in"
    echo "# known_hosts. For real machines write the same with their addresses, your user and key (README)."
    echo "lab_machines:"
    echo "  hosts:"
    # Each machine's user bridge gets a subnet of its own, so that machine B has no route of its own to the
    # subnet of machine A's bridge and a probe at A's container address really goes to A.
    local i=0
    while read -r host addr; do
      i=$((i + 1))
      echo "    $host:"
      echo "      ansible_host: $addr"
      echo "      user_bridge_subnet: 10.231.$i.0/24"
    done
    cat <<EOF
  vars:
    ansible_connection: ssh
    ansible_user: $USER_NAME
    ansible_ssh_private_key_file: $DIR/id_ed25519
    ansible_ssh_common_args: -o UserKnownHostsFile=$DIR/known_hosts -o IdentitiesOnly=yes
    # Ansible's default, kept explicit: a user's ansible.cfg may turn it off, and these machines are checked.
    ansible_host_key_checking: true
    ansible_python_interpreter: /usr/bin/python3
    # Scenario 7's swarm is made of the classroom machines themselves.
    overlay_nodes: "{{ groups['lab_machines'] }}"
    # What only a second machine can check: the host-network server on every address (not only loopback),
    # and a server published on 127.0.0.1 only.
    host_network_bind_address: 0.0.0.0
    published_ports_loopback_name: web4
EOF
  } >"$DIR/inventory.yml"
}

run() {
  [ -f "$DIR/inventory.yml" ] || die "no classroom: run \`make classroom\` (or $0 up) first"
  local size scenarios=() start elapsed rc=0
  size=$(grep -c '^      ansible_host:' "$DIR/inventory.yml")
  # Scenario 7 needs three swarm nodes: a smaller classroom builds the others only.
  if [ "$size" -lt 3 ]; then
    scenarios=(-e '{"labnet_scenarios": ["default_bridge", "user_bridge", "published_ports", "host_network", "container_network", "no_network"]}')
  fi
  start=$EPOCHREALTIME
  # shellcheck disable=SC2086  # CLASSROOM_ARGS is a list of options
  ansible-playbook -i "$DIR/inventory.yml" --forks "$size" "$ROOT/playbooks/lab.yml" \
    -e labnet_lab=classroom -e "labnet_report_dir=$DIR/report" "${scenarios[@]}" ${CLASSROOM_ARGS:-} || rc=$?
  elapsed=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  printf '{"machines": %d, "wall_time_s": %.1f, "rc": %d}\n' "$size" "$elapsed" "$rc" >"$DIR/wall_time.json"
  say "$(printf 'lab.yml on %d machines: wall time %.1f s (rc %d)' "$size" "$elapsed" "$rc")"
  # ansible-playbook's 4: a machine did not answer; the others ran everything and the report names it.
  if [ "$rc" = 4 ]; then
    say "dropped out of the run: $(python3 -c 'import json, sys; print(", ".join(h["host"] + " (" + h["reason"] + ")" for h in json.load(open(sys.argv[1])).get("dropped_hosts", [])) or "see PLAY RECAP")' "$DIR/report/report.json" 2>/dev/null || echo 'see PLAY RECAP')"
  fi
  return $rc
}

case "${1:-}" in
  up) up ;;
  run) run ;;
  down) down ;;
  *) die "usage: $0 up|run|down (CLASSROOM_SIZE=N for up)" ;;
esac
