#!/usr/bin/env bash
# What a bounded output log costs, as root: a container writing MB megabytes (default 200) of
# 100-byte lines to stdout with its log rotated (--log-opt max-size=10m --log-opt max-file=3)
# against the same with one file without bound (--log-opt max-size=-1), in interleaved rounds.
# Each run is timed from `run -d` to the end of `wait`, the shim having copied every byte into
# the log. Prints each round, then the medians and rotated/unbounded as a throughput ratio
# (1.0: rotation is free; the target is >= 0.9).
# Usage: tests/bench/log-rotation-bench.sh [BUILD_DIR] [ROUNDS] [MB]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
rounds=${2:-3}
megabytes=${3:-200}
source "$repo/tests/bench/bench_agent.sh"
bench_requirements log-rotation-bench.sh python3
bench_extra_cleanup() {
  "$build/agent/boxcar" ps -a -q | xargs -r "$build/agent/boxcar" rm -f >/dev/null 2>&1 || true
}
start_bench_agent "$build" boxcar-log-rotation --prewarm 0
boxcar=$build/agent/boxcar
bytes=$((megabytes * 1024 * 1024))
line=$(printf '%099d' 0)
payload="yes $line | head -c $bytes"

# Seconds from run -d to the end of wait, for a container with log options "$@".
timed_run() {
  local started ended id
  started=$(date +%s%N)
  id=$("$boxcar" run -d "$@" busybox sh -c "$payload")
  [ "$("$boxcar" wait "$id")" = 0 ] || { echo "log-rotation-bench.sh: $id failed" >&2; exit 1; }
  ended=$(date +%s%N)
  # Kept on disk: the log files of the container.
  kept=$(du -cb "$work/root/containers/$id"/output.log* | tail -1 | cut -f1)
  "$boxcar" rm "$id" >/dev/null
  echo "$(( (ended - started) / 1000000 )) $kept"
}

timed_run --log-opt max-size=-1 >/dev/null  # warm-up: page cache, the image's first use
results=$work/results
: >"$results"
for round in $(seq "$rounds"); do
  # Alternate which goes first, so that a trend on the shared machine favours neither.
  if [ $((round % 2)) = 1 ]; then order="rotated unbounded"; else order="unbounded rotated"; fi
  for kind in $order; do
    if [ "$kind" = rotated ]; then
      read -r ms kept < <(timed_run --log-opt max-size=10m --log-opt max-file=3)
    else
      read -r ms kept < <(timed_run --log-opt max-size=-1)
    fi
    echo "round $round $kind: $ms ms, $(( bytes * 1000 / ms / 1048576 )) MB/s, $kept bytes kept"
    echo "$kind $ms" >>"$results"
  done
done
python3 - "$results" "$megabytes" <<'PY'
import statistics, sys
times = {}
for line in open(sys.argv[1]):
    kind, ms = line.split()
    times.setdefault(kind, []).append(int(ms))
mb = int(sys.argv[2])
rotated, unbounded = statistics.median(times["rotated"]), statistics.median(times["unbounded"])
print(f"median rotated {rotated:.0f} ms ({mb * 1000 / rotated:.0f} MB/s), "
      f"unbounded {unbounded:.0f} ms ({mb * 1000 / unbounded:.0f} MB/s)")
print(f"throughput ratio rotated/unbounded: {unbounded / rotated:.3f} (target >= 0.9)")
PY
