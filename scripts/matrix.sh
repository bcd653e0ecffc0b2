#!/usr/bin/env bash
# The version matrix: tests/unit and the smoke set (tests/integration/smoke, one playbook per module
# against the real daemon) under each ansible-core in MATRIX_VERSIONS, each in its own venv under
# build/matrix/<version>, made from requirements/matrix-<version>.txt. The current pin (the main
# .venv) runs the same tests in `make test`'s own pytest run.
# ansible-core 2.20 and newer need Python 3.12+, which this machine's Python (3.11) is not.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
VERSIONS=${MATRIX_VERSIONS:-2.17}
say() { echo "matrix: $*"; }

for version in $VERSIONS; do
  requirements="$ROOT/requirements/matrix-$version.txt"
  [ -f "$requirements" ] || { echo "matrix: no $requirements for ansible-core $version" >&2; exit 1; }
  venv="$ROOT/build/matrix/$version"
  stamp=$(sha256sum "$requirements" | cut -c1-16)
  if [ "$(cat "$venv/.labnet-stamp" 2>/dev/null)" != "$stamp" ]; then
    say "creating $venv"
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" >"$venv.pip.log" 2>&1 \
      || { tail -20 "$venv.pip.log" >&2; echo "matrix: pip install for ansible-core $version failed" >&2; exit 1; }
    echo "$stamp" >"$venv/.labnet-stamp"
  fi
  got=$("$venv/bin/python" -c 'from ansible.release import __version__; print(__version__)')
  case "$got" in "$version".*) ;; *) echo "matrix: $venv has ansible-core $got, not $version" >&2; exit 1 ;; esac
  say "ansible-core $got: unit tests and smoke set"
  (cd "$ROOT" && PATH="$venv/bin:$PATH" ANSIBLE_CONFIG="$ROOT/ansible.cfg" \
     ANSIBLE_COLLECTIONS_PATH="$ROOT/build/collections" "$venv/bin/pytest" -q tests/unit tests/integration/smoke)
done
