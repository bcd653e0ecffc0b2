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
# Written next to the committed files first, so a failing step leaves them as they were.
"$BIN/python" "$ROOT/scripts/layers.py" dot "$ROOT" >"$ROOT/docs/architecture.dot.new"
dot -Tsvg "$ROOT/docs/architecture.dot.new" >"$ROOT/docs/architecture.svg.new"
mv "$ROOT/docs/architecture.dot.new" "$ROOT/docs/architecture.dot"
mv "$ROOT/docs/architecture.svg.new" "$ROOT/docs/architecture.svg"

rm -rf "$OUT"
mkdir -p "$OUT"
mkdir -m 700 "$SRC"  # antsibull-docs only writes into a directory that is its owner's alone

"$BIN/antsibull-docs" lint-collection-docs --plugin-docs --skip-rstcheck "$ROOT"
"$BIN/antsibull-docs" --config-file "$ROOT/docs/site/antsibull-docs.cfg" collection \
  --use-current --fail-on-error --cleanup everything --dest-dir "$SRC" labnet.docker

cp "$ROOT/docs/site/index.rst" "$SRC/index.rst"
mkdir -p "$SRC/guides"
cp "$ROOT"/docs/*.md "$ROOT"/docs/*.svg "$SRC/guides/"

"$BIN/sphinx-build" -q -b html -c "$ROOT/docs/site" -W --keep-going -d "$OUT/doctrees" "$SRC" "$OUT/html"
echo "docs: $OUT/html/index.html"
