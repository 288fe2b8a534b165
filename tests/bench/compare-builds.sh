#!/usr/bin/env bash
# `boxcar run --rm busybox true` of two builds side by side, as root: each build's agent on a
# temporary root, socket and cgroup parent of its own, timed by hyperfine in alternating rounds
# (the VM drifts by tens of percent within minutes: see run-bench.sh), pooled, in both orders.
# For checking one change against the build before it; the figures of record come from
# run-bench.sh, which also times the floor.
# Usage: tests/bench/compare-builds.sh OLD_BUILD_DIR NEW_BUILD_DIR [ROUNDS] [RUNS_PER_ROUND]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 2 ] || { echo "usage: $0 OLD_BUILD_DIR NEW_BUILD_DIR [ROUNDS] [RUNS_PER_ROUND]" >&2; exit 2; }
old=$(cd "$1" && pwd)
new=$(cd "$2" && pwd)
rounds=${3:-10}
per_round=${4:-30}
source "$repo/tests/bench/bench_agent.sh"
bench_requirements compare-builds.sh hyperfine

work=$(mktemp -d /tmp/boxcar-compare-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  for name in old new; do
    for d in /sys/fs/cgroup/*/"compare-$name-$$" /sys/fs/cgroup/"compare-$name-$$"; do
      [ -d "$d" ] && rmdir "$d" 2>/dev/null
    done
  done
  rm -rf "$work"
}
trap cleanup EXIT
for name in old new; do
  build=$old
  [ "$name" = new ] && build=$new
  mkdir -p "$work/$name"
  "$build/agent/boxcard" --root "$work/$name/root" --socket "$work/$name/sock" \
    --cgroup-parent "compare-$name-$$" --log-level warn >"$work/$name/agent.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    BOXCAR_SOCKET=$work/$name/sock "$build/agent/boxcar" info >/dev/null 2>&1 && break
    sleep 0.05
  done
  BOXCAR_SOCKET=$work/$name/sock "$build/agent/boxcar" image import -q \
    "$build/images/busybox-rootfs.tar" busybox --cmd sh >/dev/null
done
sleep 2  # the prewarm pools fill
for order in "old new" "new old"; do
  for round in $(seq "$rounds"); do
    for name in $order; do
      build=$old
      [ "$name" = new ] && build=$new
      BOXCAR_SOCKET=$work/$name/sock hyperfine -N --warmup 3 --runs "$per_round" \
        --export-json "$work/$name-${order// /}-$round.json" \
        "$build/agent/boxcar run --rm busybox true" >/dev/null 2>&1
    done
  done
done
for name in old new; do
  for order in oldnew newold; do pool_rounds "$work" "$name-$order" "$rounds"; done
done
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
for order in ("oldnew", "newold"):
    medians = {name: json.load(open(f"{work}/{name}-{order}.json"))["results"][0]["median"] * 1000
               for name in ("old", "new")}
    first = "old first" if order == "oldnew" else "new first"
    print(f"{first:10}: old {medians['old']:.2f} ms, new {medians['new']:.2f} ms, "
          f"new/old {medians['new'] / medians['old']:.3f}")
PY
