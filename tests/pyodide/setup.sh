#!/usr/bin/env bash
# Pyodide for Node.js (from the npm registry) and the wheels the engine's core needs under it
# (from PyPI: pure-Python ones, and pyemscripten builds for pydantic-core), into a cache folder:
#   tests/pyodide/setup.sh [CACHE]       default: $BCF_PYODIDE_CACHE, else .cache/ in the checkout
# Already there: nothing is fetched again.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${1:-${BCF_PYODIDE_CACHE:-$root/.cache}}"
version=314.0.8                      # Pyodide, as xlwings Lite runs it: Python 3.14
python="${PYTHON:-$root/.venv/bin/python}"

mkdir -p "$cache/pyodide-node"
if [ ! -f "$cache/pyodide-node/node_modules/pyodide/package.json" ] || \
   ! grep -q "\"version\": \"$version\"" "$cache/pyodide-node/node_modules/pyodide/package.json"; then
  npm install --prefix "$cache/pyodide-node" --no-audit --no-fund --no-save --silent "pyodide@$version"
fi

lock="$cache/pyodide-node/node_modules/pyodide/pyodide-lock.json"
read -r abi pyver < <("$python" -c "import json,sys; i=json.load(open(sys.argv[1]))['info']; \
print(i['abi_version'], ''.join(i['python'].split('.')[:2]))" "$lock")
wheels="$cache/pyodide-wheels-$version"
if [ ! -f "$wheels/.complete" ]; then
  rm -rf "$wheels" && mkdir -p "$wheels"
  "$python" -m pip download -q --disable-pip-version-check --no-cache-dir -d "$wheels" --only-binary=:all: \
    --platform "pyemscripten_${abi}_wasm32" --python-version "$pyver" --implementation cp --abi "cp$pyver" \
    -r "$root/tests/pyodide/requirements.txt"
  touch "$wheels/.complete"
fi
echo "$cache"
