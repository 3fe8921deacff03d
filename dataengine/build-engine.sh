#!/usr/bin/env bash
# Copies the built engine into dataengine/engine/ so the function directory is self-contained for
# `vastde functions build`: dist/ and schema/ of this checkout plus its production node_modules.
# main.py finds dataengine/engine/dist/cli/launch.cjs by itself.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
out="$here/engine"
if [ ! -f "$repo/dist/cli/launch.cjs" ]; then
  (cd "$repo" && npm ci)
fi
rm -rf "$out"
mkdir -p "$out"
cp -R "$repo/dist" "$repo/schema" "$repo/package.json" "$repo/package-lock.json" "$out/"
(cd "$out" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund)
echo "engine copied to $out ($(du -sh "$out" | cut -f1))"
