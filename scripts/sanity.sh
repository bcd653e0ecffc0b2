#!/usr/bin/env bash
# ansible-test sanity, offline: copy the collection to a path ending in
# ansible_collections/labnet/docker (ansible-test resolves symlinks, so a link
# will not do) and provide the pip bootstrap script it cannot download.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV="$ROOT/.venv"
DEST="$ROOT/build/ansible-test/ansible_collections/labnet/docker"
rm -rf "$DEST"
mkdir -p "$DEST"
cd "$ROOT"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"
done | tar --null -T - -cf - | tar -C "$DEST" -xf -
pip_version=$("$VENV/bin/python" - <<'PY'
import re, inspect
from ansible_test._internal import python_requirements as pr
print(re.search(r"pip='([0-9.]+)'", inspect.getsource(pr.get_venv_packages)).group(1))
PY
)
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
mkdir -p "$(dirname "$cache")"
cp "$ROOT/scripts/ansible-test-get-pip.py" "$cache"
cd "$DEST"
git init -q . 2>/dev/null || true  # ansible-test asks git which files belong to the collection
git add -A >/dev/null 2>&1 || true
PATH="$VENV/bin:$PATH" "$VENV/bin/ansible-test" sanity --local --python "$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" --color no "$@"
