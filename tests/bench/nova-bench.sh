#!/usr/bin/env bash
# The Nova driver's benchmarks (tests/bench/nova_boot_bench.py): the driver's spawn with a
# cached image, and boot-to-ACTIVE in Nova's functional harness, Boxcar against
# fake.FakeDriver in alternating boots. As root, after deploy/build.sh.
# Usage: nova-bench.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)  # absolute: the run happens in a temporary directory
export BENCH_ROUNDS=${2:-20}
export BOXCARD_PATH=$build/agent/boxcard BOXCAR_SHIM_PATH=$build/agent/boxcar-shim
export BOXCAR_CLI_PATH=$build/agent/boxcar BOXCAR_BUSYBOX_TAR=$build/images/busybox-rootfs.tar
export BOXCAR_NOVA_PACKAGE_PARENT=$build/driver/python
export PYTHONPATH=$repo/tests/nova:$repo/tests/bench PYTHONDONTWRITEBYTECODE=1
cd "$(mktemp -d)"
trap 'rm -rf "$PWD"' EXIT
/usr/bin/python3 -m testtools.run nova_boot_bench
