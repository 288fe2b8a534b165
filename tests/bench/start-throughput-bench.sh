#!/usr/bin/env bash
# Concurrent starts and removals, as root: N (default 100) `boxcar run -d busybox sleep 1000`
# launched at once, then `boxcar rm -f` of all N at once, against the floor of N
# `unshare --pid --mount --uts --ipc --net --fork chroot ROOTFS sleep 1000` launched the same
# way (and killed), in ROUNDS alternating rounds, each wall time measured from the first launch
# to the last command's return. Starts its own agent; removes everything at the end.
# Usage: [SETTLE=SECONDS] tests/bench/start-throughput-bench.sh [BUILD_DIR] [N] [ROUNDS]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
n=${2:-100}
rounds=${3:-5}
# Seconds of rest after each phase: a kill of N processes that hold network namespaces (the
# floor's kill -9, boxcar's rm -f) leaves the kernel tearing N namespaces down in its
# workqueue for a while after the command returned, and that work loaded whichever phase ran
# next (boxcar's starts after the floor's kill: 1.98x the floor without the rest, 1.46x with it).
settle=${SETTLE:-3}
source "$repo/tests/bench/bench_agent.sh"
bench_requirements start-throughput-bench.sh unshare chroot python3
floor_pids=()
# Kills the floor: each unshare and its child. The child (pid 1 of its own pid namespace,
# running the sleep) outlives a killed `unshare --fork`, so killing only the unshares left N
# sleeping containers (and their namespaces) behind per round, which loaded every later round
# (pivot_root walks every task on the host) and the host after the run.
kill_floor() {
  local pid children=()
  for pid in "$@"; do
    # shellcheck disable=SC2207
    children+=($(cat "/proc/$pid/task/$pid/children" 2>/dev/null))
  done
  kill -9 "$@" ${children[@]+"${children[@]}"} 2>/dev/null || true
}
bench_extra_cleanup() {
  [ ${#floor_pids[@]} -gt 0 ] && kill_floor "${floor_pids[@]}"
  "$build/agent/boxcar" ps -a -q | xargs -r "$build/agent/boxcar" rm -f >/dev/null 2>&1 || true
}
start_bench_agent "$build" boxcar-throughput
rootfs=$work/rootfs
mkdir -p "$rootfs" && tar -xf "$build/images/busybox-rootfs.tar" -C "$rootfs"
boxcar=$build/agent/boxcar

now() { date +%s.%N; }
# Runs "$@" N times at once, each in the background; prints the wall time until all returned.
concurrently() {
  local start pids=() i
  start=$(now)
  for i in $(seq "$n"); do "$@" >/dev/null & pids+=($!); done
  wait "${pids[@]}"
  python3 -c "print(f'{$(now) - $start:.3f}')"
}

results=$work/results.txt
: >"$results"
for round in $(seq "$rounds"); do
  # The floor: the namespaces and the chroot of a container, nothing else. `unshare --fork`
  # returns only when its child does, so it is started in the background and its pid file
  # written once the child runs; the wall time is until all N run.
  start=$(now)
  floor_pids=()
  for i in $(seq "$n"); do
    unshare --pid --mount --uts --ipc --net --fork chroot "$rootfs" /bin/sh -c \
      "echo > /tmp/up-$i-$round; exec sleep 1000" >/dev/null 2>&1 &
    floor_pids+=($!)
  done
  while [ "$(ls "$rootfs/tmp" | grep -c "^up-.*-$round\$")" -lt "$n" ]; do sleep 0.005; done
  floor=$(python3 -c "print(f'{$(now) - $start:.3f}')")
  start=$(now)
  kill_floor "${floor_pids[@]}"
  wait "${floor_pids[@]}" 2>/dev/null || true
  floor_kill=$(python3 -c "print(f'{$(now) - $start:.3f}')")
  floor_pids=()
  rm -f "$rootfs"/tmp/up-*
  sleep "$settle"

  starts=$(concurrently "$boxcar" run -d busybox sleep 1000)
  running=$("$boxcar" ps -q | wc -l)
  [ "$running" -eq "$n" ] || { echo "round $round: $running of $n containers run" >&2; exit 1; }
  ids=$("$boxcar" ps -q)
  start=$(now)
  rm_pids=()
  for id in $ids; do "$boxcar" rm -f "$id" >/dev/null & rm_pids+=($!); done
  wait "${rm_pids[@]}"  # not a bare wait: the agent is a background job of this shell too
  removals=$(python3 -c "print(f'{$(now) - $start:.3f}')")
  [ "$("$boxcar" ps -a -q | wc -l)" -eq 0 ] || { echo "round $round: containers left" >&2; exit 1; }
  sleep "$settle"
  echo "$floor $floor_kill $starts $removals" >>"$results"
done
python3 - "$results" "$n" <<'PY'
import statistics, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1])]
n = sys.argv[2]
floor, floor_kill, starts, removals = (statistics.median(c) for c in zip(*rows))
print(f"{len(rows)} rounds of {n} concurrent commands (medians, seconds)")
print(f"  floor: {n} unshare+chroot started  {floor:7.3f}   killed {floor_kill:7.3f}")
print(f"  boxcar run -d x {n}                {starts:7.3f}   {starts/floor:5.2f}x the floor")
print(f"  boxcar rm -f x {n}                 {removals:7.3f}   {removals/starts:5.2f}x the starts")
PY
