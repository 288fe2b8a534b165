#!/usr/bin/env bash
# `boxcar export` against its floor, as root, in alternating hyperfine rounds, pooled:
#   export          `boxcar export` of a running container whose writable layer holds ~100 MB
#                   (80 x 1 MiB random files and 2000 x 10 KiB ones) over busybox;
#   export stopped  the same of a stopped copy (its snapshot mounted and unmounted each run);
#   tar             `tar -C ROOTFS -cf - .` of the running one's merged root filesystem (the
#                   same overlay mount the export reads).
# Each writes into a pipe read by `cat > /dev/null`: GNU tar writing straight to /dev/null
# notices and reads no file data at all. Target: export >= 0.7x tar's throughput.
# Starts its own agent on a temporary root, socket and cgroup parent; removes everything.
# Usage: tests/bench/export-bench.sh [BUILD_DIR] [RUNS] (RUNS split into BENCH_ROUNDS rounds)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
runs=${2:-30}
boxcar=$build/agent/boxcar
source "$repo/tests/bench/bench_agent.sh"
bench_requirements export-bench.sh hyperfine
bench_extra_cleanup() { "$boxcar" ps -a -q | xargs -r "$boxcar" rm -f >/dev/null 2>&1; }
start_bench_agent "$build" boxcar-export-bench

fill='mkdir /data && cd /data && for i in $(seq 80); do dd if=/dev/urandom of=big$i bs=1M count=1 2>/dev/null; done
mkdir small && for i in $(seq 2000); do dd if=/dev/urandom of=small/s$i bs=10240 count=1 2>/dev/null; done'
"$boxcar" run --name stopped busybox sh -c "$fill" >/dev/null
"$boxcar" run -d --name running busybox sh -c "$fill; touch /ready; sleep 100000" >/dev/null
for _ in $(seq 600); do "$boxcar" exec running test -e /ready 2>/dev/null && break; sleep 0.1; done
# Its merged root: the agent's only overlay mount with /ready in it.
rootfs=
for dir in $(awk -v root="$work/root" '$3 == "overlay" && index($2, root) == 1 {print $2}' /proc/mounts); do
  if [ -e "$dir/ready" ]; then rootfs=$dir; fi
done
[ -n "$rootfs" ] || { echo "export-bench.sh: no merged root of the running container" >&2; exit 1; }
bytes=$(tar -C "$rootfs" -cf - . | wc -c)

names=("export" "export stopped" "tar")
commands=(
  "sh -c '$boxcar export running | cat > /dev/null'"
  "sh -c '$boxcar export stopped | cat > /dev/null'"
  "sh -c 'tar -C $rootfs -cf - . | cat > /dev/null'"
)
args=()
for i in "${!commands[@]}"; do args+=(-n "${names[$i]}" "${commands[$i]}"); done
rounds=${BENCH_ROUNDS:-5}
per_round=$(( (runs + rounds - 1) / rounds ))
for round in $(seq "$rounds"); do
  hyperfine -N --warmup 1 --runs "$per_round" --export-json "$work/export-$round.json" \
    "${args[@]}" >/dev/null 2>&1
done
pool_rounds "$work" export "$rounds"
python3 - "$work" "$rounds" "$bytes" <<'PY'
import json, sys
work, rounds, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
results = {r["command"]: r for r in json.load(open(f"{work}/export.json"))["results"]}
tar = size / results["tar"]["median"]
print(f"{rounds} rounds, {len(results['tar']['times'])} runs each, {size / 1e6:.0f} MB of tar")
print(f"{'command':16} {'median ms':>10} {'min ms':>8} {'MB/s':>8} {'x tar':>6}")
for name, r in results.items():
    rate = size / r["median"]
    print(f"{name:16} {r['median']*1000:10.1f} {r['min']*1000:8.1f} {rate/1e6:8.0f} {rate/tar:6.2f}")
PY
