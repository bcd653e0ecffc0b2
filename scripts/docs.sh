#!/usr/bin/env bash
# Build the HTML docs site into build/docs/html, offline, with warnings as errors:
#   1. the picture of plugins/' imports (scripts/layers.py dot, then Graphviz) is drawn again into the
#      committed docs/architecture.dot and docs/architecture.svg (tests/unit/test_layering.py checks the .dot);
#   2. antsibull-docs lints the collection's documentation (modules, roles' argument specs);
#   3. antsibull-docs writes the module and role pages (RST) from the installed collection;
#   4. the guides in docs/*.md and their pictures (docs/*.svg) join them, and Sphinx builds the site
#      (conf.py in docs/site).
# Needs `make setup` (the collection linked into build/collections, the tools in .venv).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/.venv/bin"
OUT="$ROOT/build/docs"
SRC="$OUT/src"
export PATH="$BIN:$PATH"  # antsibull-docs calls ansible-galaxy and ansible-doc
export ANSIBLE_COLLECTIONS_PATH="$ROOT/build/collections"
export ANSIBLE_HOME="$OUT/ansible-home"  # nothing of ~/.ansible is read or written

command -v dot >/dev/null || { echo "docs: Graphviz's dot is missing (make setup installs graphviz)" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT"
mkdir -m 700 "$SRC"  # antsibull-docs only writes into a directory that is its owner's alone

# The import picture, drawn from the code into the site. The committed docs/architecture.dot and .svg are
# written only when the imports changed (another Graphviz would redraw the same graph otherwise, and leave the
# checkout changed); with LABNET_DOCS_NO_WRITE set (the suite's docs test) a stale picture fails instead.
"$BIN/python" "$ROOT/scripts/layers.py" dot "$ROOT" >"$OUT/architecture.dot"
dot -Tsvg "$OUT/architecture.dot" >"$OUT/architecture.svg"
if ! cmp -s "$OUT/architecture.dot" "$ROOT/docs/architecture.dot"; then
  if [ -n "${LABNET_DOCS_NO_WRITE:-}" ]; then
    echo "docs: docs/architecture.dot is not the picture of the current imports: run make docs and commit it" >&2
    exit 1
  fi
  cp "$OUT/architecture.dot" "$ROOT/docs/architecture.dot"
  cp "$OUT/architecture.svg" "$ROOT/docs/architecture.svg"
  echo "docs: docs/architecture.dot and .svg redrawn from the imports"
fi

"$BIN/antsibull-docs" lint-collection-docs --plugin-docs --skip-rstcheck "$ROOT"
"$BIN/antsibull-docs" --config-file "$ROOT/docs/site/antsibull-docs.cfg" collection \
  --use-current --fail-on-error --cleanup everything --dest-dir "$SRC" labnet.docker

cp "$ROOT/docs/site/index.rst" "$SRC/index.rst"
mkdir -p "$SRC/guides"
cp "$ROOT"/docs/*.md "$SRC/guides/"
cp "$OUT/architecture.svg" "$SRC/guides/architecture.svg"

"$BIN/sphinx-build" -q -b html -c "$ROOT/docs/site" -W --keep-going -d "$OUT/doctrees" "$SRC" "$OUT/html"
echo "docs: $OUT/html/index.html"
