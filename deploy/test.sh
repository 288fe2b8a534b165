#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine, as root: installs the packages, builds
# everything (agent, CLI, shim, tests, benchmarks, bundled image) and runs ctest: unit tests
# and integration tests against real agents with temporary roots.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BOXCAR_BUILD_DIR:-$repo/build}
[ "$(id -u)" = 0 ] || { echo "test.sh: run as root (sudo $0)" >&2; exit 1; }

"$repo/deploy/install-deps.sh"
"$repo/deploy/build.sh"
cd "$build"
ctest --output-on-failure --timeout 300 -j "$(nproc)" "$@"
