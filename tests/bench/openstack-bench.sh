#!/usr/bin/env bash
# API-to-ACTIVE with a cached image on a whole OpenStack stack (tests/e2e): Boxcar's hostA
# against Nova's fake.FakeDriver (hostF in zone bench, E2E_FAKE_HOST=1) on the same stack, interleaved
# (tests/bench/openstack_bench.py). Brings a stack up and down unless given one that was
# started with E2E_FAKE_HOST=1. With a real Neutron (E2E_NEUTRON=1, or a stack started with it)
# the same rounds follow with one port each on a flat network bench-flat (made here, removed at
# the end). As root, after deploy/build.sh. Figures need ROUNDS >= 10 (the issue's median of
# >= 10 each); fewer only prove the script works.
# Usage: [E2E_NEUTRON=1] openstack-bench.sh [ROUNDS] [STACK]
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
[ "$rounds" -ge 10 ] || echo "openstack-bench: $rounds rounds: not enough for figures (>= 10)" >&2
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
network=()
if [ -f "$STACK/neutron/neutron.conf" ]; then  # a real Neutron: the port variant too
  net=$(osc network show bench-flat -f value -c id 2>/dev/null | awk NF || true)
  if [ -z "$net" ]; then
    net=$(osc network create --share --provider-network-type flat \
      --provider-physical-network physnet1 bench-flat -f value -c id | awk NF)
    osc subnet create --network "$net" --subnet-range 10.99.0.0/24 --gateway 10.99.0.1 \
      --allocation-pool start=10.99.0.100,end=10.99.0.200 bench-flat-v4 > /dev/null
  fi
  network=("--network=$net")
fi
nsenter --net="/run/netns/$(cat "$STACK/id")-ctl" -- /usr/bin/python3 \
  "$repo/tests/bench/openstack_bench.py" "$KEYSTONE_URL" "$NOVA_URL" "$image" "$flavor" "$rounds" \
  "${network[@]}" nova:hostA bench:hostF
if [ ${#network[@]} = 1 ]; then
  sleep 3  # the dhcp agent lets go of the last port before the network goes
  osc subnet delete bench-flat-v4 && osc network delete bench-flat
fi
[ $own = 1 ] || exit 0
