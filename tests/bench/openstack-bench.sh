#!/usr/bin/env bash
# API-to-ACTIVE with a cached image on a whole OpenStack stack (tests/e2e): Boxcar's hostA
# against Nova's fake.FakeDriver (hostF in zone bench, E2E_FAKE_HOST=1) on the same stack, interleaved
# (tests/bench/openstack_bench.py). Brings a stack up and down unless given one that was
# started with E2E_FAKE_HOST=1. As root, after deploy/build.sh.
# Usage: openstack-bench.sh [ROUNDS] [STACK]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
e2e=$repo/tests/e2e
rounds=${1:-10}
STACK=${2:-}
own=0
if [ -z "$STACK" ]; then
  STACK=$(mktemp -d /tmp/boxcar-e2e.XXXXXX); own=1
  trap '"$e2e/down" "$STACK"' EXIT
  E2E_FAKE_HOST=1 "$e2e/up" "$STACK"
fi
. "$STACK/env"
osc() { "$e2e/cli" "$STACK" admin "$@"; }
osc flavor show bench.tiny > /dev/null 2>&1 ||
  osc flavor create --ram 64 --vcpus 1 --disk 1 bench.tiny > /dev/null
archive=$STACK/busybox.tar
[ -s "$archive" ] || BOXCAR_BUSYBOX_TAR=${BOXCAR_BUILD_DIR:-$repo/build}/images/busybox-rootfs.tar \
  PYTHONPATH=$repo/tests/nova /usr/bin/python3 -c \
  'import sys, fixture_images; open(sys.argv[1], "wb").write(fixture_images.busybox_docker_archive())' "$archive"
image=$(osc image show bench-busybox -f value -c id 2>/dev/null | awk NF || true)
[ -n "$image" ] || image=$(osc image create --container-format docker --disk-format raw \
  --file "$archive" --property os_command_line="sleep 100000" bench-busybox -f value -c id | awk NF)
flavor=$(osc flavor show bench.tiny -f value -c id | awk NF)
nsenter --net="/run/netns/$(cat "$STACK/id")-ctl" -- /usr/bin/python3 \
  "$repo/tests/bench/openstack_bench.py" "$KEYSTONE_URL" "$NOVA_URL" "$image" "$flavor" "$rounds" \
  nova:hostA bench:hostF
[ $own = 1 ] || exit 0
