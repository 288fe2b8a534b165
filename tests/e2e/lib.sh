# Shared by tests/e2e/*: the stack's layout and the helpers every step uses. Sourced, not run.
#
# A stack lives in one directory ($STACK) and in network namespaces it creates:
#   <id>-ctl     the control plane: every API, rabbitmq, mariadb, Neutron's server and dhcp
#                agent, on `lo` and on the management bridge br-mgmt (10.77.0.1/24)
#   <id>-hostA   compute host A: its boxcard, nova-compute (and Neutron's linuxbridge agent),
#   <id>-hostB   compute host B  each on mgmt0 (10.77.0.11 / .12) joined to br-mgmt
#   <id>-hostF   E2E_FAKE_HOST=1 only: a nova-compute with fake.FakeDriver (10.77.0.13)
# The host's own network namespace is never changed. Every daemon is started by `spawn`, which
# records "NAME PGID NETNS" in $STACK/pids for `down`.
export LC_ALL=C.UTF-8
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$E2E_DIR/../.." && pwd)
BUILD=${BOXCAR_BUILD_DIR:-$REPO/build}
PY=/usr/bin/python3
CTL_IP=10.77.0.1
HOSTS=(hostA hostB)
declare -A HOST_IP=([hostA]=10.77.0.11 [hostB]=10.77.0.12 [hostF]=10.77.0.13)
# The compute nodes that get a namespace: the Boxcar hosts, and hostF with E2E_FAKE_HOST=1.
NODES=("${HOSTS[@]}")
[ "${E2E_FAKE_HOST:-0}" = 1 ] && NODES+=(hostF)

stack_id() { cat "$STACK/id"; }
ns() { echo "$(stack_id)-$1"; }               # ns ctl -> e2e1234-ctl
in_ns() { local n=$1; shift; nsenter --net="/run/netns/$(ns "$n")" -- "$@"; }

log() { printf '[%6.1fs] %s\n' "$(elapsed)" "$*"; }
elapsed() { awk -v a="$(date +%s.%N)" -v b="${E2E_T0:-0}" 'BEGIN { printf "%.1f", (b > 0 ? a - b : 0) }'; }
die() {
  echo "e2e: $*" >&2
  for f in "$STACK"/logs/*.log; do [ -s "$f" ] && { echo "--- $f" >&2; tail -n 8 "$f" >&2; }; done
  exit 1
}

# spawn NAME NETNS CMD...: CMD in its own session (process group) inside netns NETNS, output
# to $STACK/logs/NAME.log.
spawn() {
  local name=$1 where=$2; shift 2
  setsid nsenter --net="/run/netns/$(ns "$where")" -- "$@" \
    < /dev/null >> "$STACK/logs/$name.log" 2>&1 &
  echo "$name $! $where" >> "$STACK/pids"
}

# spawn_with_sysfs NAME NETNS CMD...: as spawn, through `ip netns exec`, which also gives CMD a
# /sys of that namespace (Neutron's agents list devices in /sys/class/net) in a mount
# namespace of its own (so what it mounts, e.g. the dhcp agent's qdhcp-* netns, stays there).
spawn_with_sysfs() {
  local name=$1 where=$2; shift 2
  setsid ip netns exec "$(ns "$where")" "$@" < /dev/null >> "$STACK/logs/$name.log" 2>&1 &
  echo "$name $! $where" >> "$STACK/pids"
}

# wait_for WHAT SECONDS CMD...: until CMD succeeds.
wait_for() {
  local what=$1 seconds=$2; shift 2
  local deadline=$(( $(date +%s) + seconds ))
  until "$@" > /dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die "$what not up after $seconds s"
    sleep 0.2
  done
}

# http_up NETNS URL: the URL answers at all (any HTTP status, 401 included).
http_up() { in_ns "$1" curl -s -o /dev/null -m 2 -w '%{http_code}' "$2" | grep -qv '^000$'; }
