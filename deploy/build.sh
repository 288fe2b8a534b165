#!/usr/bin/env bash
# Configures and builds Boxcar (Release, Ninja, ccache) into ${BOXCAR_BUILD_DIR:-<repo>/build}.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BOXCAR_BUILD_DIR:-$repo/build}
export CCACHE_DIR=${CCACHE_DIR:-/var/cache/boxcar-ccache}
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${BOXCAR_BUILD_TYPE:-Release} >/dev/null
# 2 cores, ~1.5 GB per gRPC-heavy translation unit: one job per core.
ninja -C "$build" -j "$(nproc)"
