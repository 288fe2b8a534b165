#!/usr/bin/env bash
# Configures and builds Boxcar (Release, Ninja, ccache) into ${BOXCAR_BUILD_DIR:-<repo>/build}.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BOXCAR_BUILD_DIR:-$repo/build}
export CCACHE_DIR=${CCACHE_DIR:-/var/cache/boxcar-ccache}
# Relative paths in the cache keys: any checkout of the tree reuses the same cache.
export CCACHE_BASEDIR=$repo
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${BOXCAR_BUILD_TYPE:-Release} >/dev/null
# 2 cores, ~1.5 GB per gRPC-heavy translation unit: one job per core. The full compiler output
# goes to build.log; the terminal gets ninja's one-line progress.
echo "building in $build (log: $build/build.log)"
if ! ninja -C "$build" -j "$(nproc)" >"$build/build.log" 2>&1; then
  grep -E "error|FAILED" -A3 "$build/build.log" | head -60
  echo "build failed: see $build/build.log" >&2
  exit 1
fi
tail -n 1 "$build/build.log"
