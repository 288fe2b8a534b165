#!/usr/bin/env bash
# CPU per start, as root: the same burst as start-throughput-bench.sh (N concurrent
# `boxcar run -d busybox sleep 1000` against N concurrent `unshare ... chroot ROOTFS sh`), but
# measured in CPU time rather than wall time, which on a shared machine is what a change to
# the agent or the shim moves. Each side runs in cpuacct cgroups of its own: the agent (with
# what it spawns before a container's cgroup takes it over), the CLI processes, the
# containers (the agent's cgroup parent: shims and payloads) and the floor. Prints, per round,
# milliseconds of CPU per start. With PERF=FILE, the last round's burst is also recorded with
# `perf record -a -g` into FILE (the agent's pid is printed, for `perf script --pid`).
# Usage: [PERF=FILE] tests/bench/start-cpu-bench.sh [BUILD_DIR] [N] [ROUNDS]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
n=${2:-100}
rounds=${3:-3}
source "$repo/tests/bench/bench_agent.sh"
bench_requirements start-cpu-bench.sh unshare chroot python3
cpuacct=/sys/fs/cgroup/cpuacct
[ -d "$cpuacct" ] || { echo "start-cpu-bench.sh: needs the cgroup v1 cpuacct hierarchy" >&2; exit 1; }
tag=start-cpu-$$
for group in agent cli floor; do mkdir -p "$cpuacct/$tag-$group"; done
# The agent is started from this shell, so it is born in the agent group.
echo $$ >"$cpuacct/$tag-agent/cgroup.procs"
floor_pids() { cat "$cpuacct/$tag-floor/cgroup.procs"; }
bench_extra_cleanup() {
  floor_pids | xargs -r kill -9 2>/dev/null || true
  "$build/agent/boxcar" ps -a -q | xargs -r "$build/agent/boxcar" rm -f >/dev/null 2>&1 || true
}
start_bench_agent "$build" boxcar-start-cpu
cleanup() {
  stop_bench_agent
  echo $$ >"$cpuacct/cgroup.procs"
  for group in agent cli floor; do rmdir "$cpuacct/$tag-$group" 2>/dev/null || true; done
}
trap cleanup EXIT
echo "agent pid $bench_agent_pid"
rootfs=$work/rootfs
mkdir -p "$rootfs" && tar -xf "$build/images/busybox-rootfs.tar" -C "$rootfs"
boxcar=$build/agent/boxcar
usage() { cat "$cpuacct/$1/cpuacct.usage"; }
remove_all() { "$boxcar" ps -a -q | xargs -r "$boxcar" rm -f >/dev/null; }

# Warm-up: the agent's first starts and the cgroup parent.
for _ in $(seq 10); do "$boxcar" run -d busybox sleep 1000 >/dev/null; done
remove_all
sleep 2
for round in $(seq "$rounds"); do
  floor_before=$(usage "$tag-floor")
  (
    echo $BASHPID >"$cpuacct/$tag-floor/cgroup.procs"
    for i in $(seq "$n"); do
      unshare --pid --mount --uts --ipc --net --fork chroot "$rootfs" /bin/sh -c \
        "echo > /tmp/up-$i; exec sleep 1000" >/dev/null 2>&1 &
    done
    while [ "$(ls "$rootfs/tmp" | grep -c '^up-')" -lt "$n" ]; do sleep 0.05; done
  )
  floor_after=$(usage "$tag-floor")
  floor_pids | xargs -r kill -9 2>/dev/null || true
  rm -f "$rootfs"/tmp/up-*
  sleep 3  # the kernel tears the floor's namespaces down after the kill

  agent_before=$(usage "$tag-agent") cli_before=$(usage "$tag-cli") containers_before=$(usage "$parent")
  perf_pid=
  if [ -n "${PERF:-}" ] && [ "$round" -eq "$rounds" ]; then
    perf record -q -a -g -o "$PERF" -- sleep 3.5 >/dev/null 2>&1 &
    perf_pid=$!
    sleep 0.3
  fi
  (
    echo $BASHPID >"$cpuacct/$tag-cli/cgroup.procs"
    pids=()
    for _ in $(seq "$n"); do "$boxcar" run -d busybox sleep 1000 >/dev/null & pids+=($!); done
    wait "${pids[@]}"
  )
  sleep 2  # the prewarm pool refills: CPU of these starts too
  [ -n "$perf_pid" ] && wait "$perf_pid"
  agent_after=$(usage "$tag-agent") cli_after=$(usage "$tag-cli") containers_after=$(usage "$parent")
  running=$("$boxcar" ps -q | wc -l)
  [ "$running" -eq "$n" ] || { echo "round $round: $running of $n containers run" >&2; exit 1; }
  remove_all
  sleep 3
  python3 - "$n" "$round" "$floor_before" "$floor_after" "$agent_before" "$agent_after" \
    "$cli_before" "$cli_after" "$containers_before" "$containers_after" "${perf_pid:+ (perf ran: agent figure includes it)}" <<'PY'
import sys
n, round_ = int(sys.argv[1]), sys.argv[2]
f0, f1, a0, a1, c0, c1, p0, p1 = (int(x) for x in sys.argv[3:11])
ms = lambda a, b: (b - a) / n / 1e6
floor, agent, cli, containers = ms(f0, f1), ms(a0, a1), ms(c0, c1), ms(p0, p1)
total = agent + cli + containers
print(f"round {round_}: CPU ms per start: floor {floor:.3f}  boxcar {total:.3f} ({total / floor:.2f}x)"
      f" = agent {agent:.3f} + cli {cli:.3f} + containers {containers:.3f}{sys.argv[11]}")
PY
done
