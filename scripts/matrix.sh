#!/usr/bin/env bash
# The version matrix: tests/unit and the smoke set (tests/integration/smoke, one playbook per module
# against the real daemon) under each ansible-core in MATRIX_VERSIONS, each in its own venv under
# build/matrix/<version>, made from requirements/matrix-<version>.txt. The current pin (the main
# .venv) runs the same tests in `make test`'s own pytest run.
#
# A requirements file with a line `# controller-image: IMAGE` runs in a controller container of that
# (locally built) image instead, with the image's own python3 making the venv: ansible-core 2.20 and
# newer need Python 3.12+, which this machine's Python (3.11) is not; Debian trixie's python3 is 3.13.
# No interpreter is downloaded. The host's pip downloads the wheels for the container interpreter's
# tags (so it goes to the package index exactly as the host's own installs do), and the container
# installs them and runs the tests with no network at all (--network none): it reaches the host's
# engine through its socket, bind-mounted, and this checkout at the same path.
# Every leg's failure fails the script; each leg prints how long it took.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
VERSIONS=${MATRIX_VERSIONS:-2.17 2.21}
TESTS=(tests/unit tests/integration/smoke)
say() { echo "matrix: $*"; }
die() { echo "matrix: ERROR: $*" >&2; exit 1; }
CONTAINER=""
trap '[ -z "$CONTAINER" ] || docker rm -f "$CONTAINER" >/dev/null 2>&1 || true' EXIT

host_leg() {  # version requirements venv
  local version=$1 requirements=$2 venv=$3 stamp got
  stamp=$(sha256sum "$requirements" | cut -c1-16)
  if [ "$(cat "$venv/.labnet-stamp" 2>/dev/null)" != "$stamp" ]; then
    say "creating $venv"
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" >"$venv.pip.log" 2>&1 \
      || { tail -20 "$venv.pip.log" >&2; die "pip install for ansible-core $version failed"; }
    echo "$stamp" >"$venv/.labnet-stamp"
  fi
  got=$("$venv/bin/python" -c 'from ansible.release import __version__; print(__version__)')
  case "$got" in "$version".*) ;; *) die "$venv has ansible-core $got, not $version" ;; esac
  say "ansible-core $got (host Python $("$venv/bin/python" -c 'import platform; print(platform.python_version())')): unit tests and smoke set"
  (cd "$ROOT" && PATH="$venv/bin:$PATH" ANSIBLE_CONFIG="$ROOT/ansible.cfg" \
     ANSIBLE_COLLECTIONS_PATH="$ROOT/build/collections" "$venv/bin/pytest" -q "${TESTS[@]}")
}

# The engine's socket on the host: DOCKER_HOST when it names one, else the default.
engine_socket() {
  case "${DOCKER_HOST:-}" in
    "") echo /var/run/docker.sock ;;
    unix://*) echo "${DOCKER_HOST#unix://}" ;;
    *) die "DOCKER_HOST=$DOCKER_HOST: the controller container reaches the engine through a unix socket only" ;;
  esac
}

# docker run of the controller image, offline, with this checkout and the engine's socket.
controller() {  # image name command...
  local image=$1 name=$2; shift 2
  CONTAINER=$name
  docker run --rm --name "$name" --label labnet.matrix=controller --network none \
    --entrypoint /usr/bin/tini -v "$ROOT:$ROOT" -v "$(engine_socket):/var/run/docker.sock" -w "$ROOT" \
    -e LANG=C.UTF-8 -e ANSIBLE_CONFIG="$ROOT/ansible.cfg" -e ANSIBLE_COLLECTIONS_PATH="$ROOT/build/collections" \
    ${LABNET_BUSYBOX_IMAGE:+-e LABNET_BUSYBOX_IMAGE="$LABNET_BUSYBOX_IMAGE"} \
    "$image" -- "$@"
  CONTAINER=""
}

container_leg() {  # version requirements venv image
  local version=$1 requirements=$2 venv=$3 image=$4 image_id tags stamp wheels got
  image_id=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null) \
    || die "image $image is missing: \`make engines\` builds it (ansible-core $version runs in it)"
  local name="labnet-matrix-${version//./-}-$$"
  stamp=$( (cat "$requirements"; echo "$image_id") | sha256sum | cut -c1-16)
  if [ "$(cat "$venv/.labnet-stamp" 2>/dev/null)" != "$stamp" ]; then
    # python version, glibc version and machine of the container's interpreter: its wheel tags.
    tags=$(docker run --rm --network none --entrypoint python3 "$image" -c \
      'import platform, sys; print("%d.%d" % sys.version_info[:2], platform.libc_ver()[1], platform.machine())')
    read -r pyver glibc machine <<<"$tags"
    local platforms=(--platform "manylinux2014_$machine") minor
    for minor in $(seq "${glibc#2.}" -1 17); do platforms+=(--platform "manylinux_2_${minor}_$machine"); done
    say "creating $venv with $image's Python $pyver (glibc $glibc, $machine)"
    rm -rf "$venv" "$venv.wheels"
    wheels="$venv.wheels"
    mkdir -p "$wheels"
    "$PYTHON" -m pip download -q --disable-pip-version-check --dest "$wheels" --only-binary=:all: \
      --python-version "$pyver" --implementation cp "${platforms[@]}" -r "$requirements" pip >"$venv.pip.log" 2>&1 \
      || { grep -v '^WARNING: Location' "$venv.pip.log" | tail -20 >&2; die "downloading the wheels for ansible-core $version (Python $pyver) failed"; }
    # shellcheck disable=SC2016  # expanded by the container's sh, from its arguments
    controller "$image" "$name-setup" sh -ec '
      python3 -m venv --without-pip "$1"
      "$1/bin/python" "$(ls "$2"/pip-*.whl)/pip" install -q --disable-pip-version-check --no-index \
        --find-links "$2" pip -r "$3"' sh "$venv" "$wheels" "$requirements" >>"$venv.pip.log" 2>&1 \
      || { tail -20 "$venv.pip.log" >&2; die "installing ansible-core $version in $image failed"; }
    rm -rf "$wheels"
    echo "$stamp" >"$venv/.labnet-stamp"
  fi
  got=$(controller "$image" "$name-version" "$venv/bin/python" -c \
    'import platform; from ansible.release import __version__; print(__version__, platform.python_version())')
  case "$got" in "$version".*) ;; *) die "$venv has ansible-core $got, not $version" ;; esac
  say "ansible-core ${got% *} (Python ${got#* } in $image, host engine): unit tests and smoke set"
  controller "$image" "$name" "$venv/bin/pytest" -q "${TESTS[@]}"
}

for version in $VERSIONS; do
  requirements="$ROOT/requirements/matrix-$version.txt"
  [ -f "$requirements" ] || die "no $requirements for ansible-core $version"
  venv="$ROOT/build/matrix/$version"
  mkdir -p "$ROOT/build/matrix"
  image=$(sed -n 's/^# controller-image: *//p' "$requirements")
  start=$(date +%s)
  if [ -n "$image" ]; then
    container_leg "$version" "$requirements" "$venv" "$image"
  else
    host_leg "$version" "$requirements" "$venv"
  fi
  say "ansible-core $version passed in $(( $(date +%s) - start )) s"
done
