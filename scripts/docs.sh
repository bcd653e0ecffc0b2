#!/usr/bin/env bash
# Build the HTML docs site into build/docs/html, offline, with warnings as errors:
#   1. antsibull-docs lints the collection's documentation (modules, roles' argument specs);
#   2. antsibull-docs writes the module and role pages (RST) from the installed collection;
#   3. the guides in docs/*.md join them, and Sphinx builds the site (conf.py in docs/site).
# Needs `make setup` (the collection linked into build/collections, the tools in .venv).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/.venv/bin"
OUT="$ROOT/build/docs"
SRC="$OUT/src"
export PATH="$BIN:$PATH"  # antsibull-docs calls ansible-galaxy and ansible-doc
export ANSIBLE_COLLECTIONS_PATH="$ROOT/build/collections"
export ANSIBLE_HOME="$OUT/ansible-home"  # nothing of ~/.ansible is read or written

rm -rf "$OUT"
mkdir -p "$OUT"
mkdir -m 700 "$SRC"  # antsibull-docs only writes into a directory that is its owner's alone

"$BIN/antsibull-docs" lint-collection-docs --plugin-docs --skip-rstcheck "$ROOT"
"$BIN/antsibull-docs" --config-file "$ROOT/docs/site/antsibull-docs.cfg" collection \
  --use-current --fail-on-error --cleanup everything --dest-dir "$SRC" labnet.docker

cp "$ROOT/docs/site/index.rst" "$SRC/index.rst"
mkdir -p "$SRC/guides"
cp "$ROOT"/docs/*.md "$SRC/guides/"

"$BIN/sphinx-build" -q -b html -c "$ROOT/docs/site" -W --keep-going -d "$OUT/doctrees" "$SRC" "$OUT/html"
echo "docs: $OUT/html/index.html"
