#!/usr/bin/env bash
# What a user namespace costs a container, as root, in one hyperfine session:
# `boxcar run --rm --userns busybox true` against the same without --userns, on the chroot
# backend and (when liblxc is there) the lxc backend, then the overlay provisioning alone,
# plain and idmapped. Starts its own agent (defaults, plus --userns-range) on a temporary root,
# socket and cgroup parent; removes everything afterwards.
# Usage: tests/bench/run-userns-bench.sh [BUILD_DIR] [RUNS]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
runs=${2:-200}
source "$repo/tests/bench/bench_agent.sh"
bench_requirements run-userns-bench.sh hyperfine
start_bench_agent "$build" boxcar-userns-bench --userns-range 100000:655360

boxcar=$build/agent/boxcar
args=(-n "chroot" "$boxcar run --rm busybox true"
      -n "chroot --userns" "$boxcar run --rm --userns busybox true")
if "$boxcar" info | grep -q "^ lxc: available"; then
  args+=(-n "lxc" "$boxcar run --rm --backend lxc busybox true"
         -n "lxc --userns" "$boxcar run --rm --backend lxc --userns busybox true")
fi
hyperfine -N --warmup 10 --runs "$runs" --export-json "$work/run.json" "${args[@]}" >/dev/null
python3 - "$work/run.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
print(f"{'command':18} {'median ms':>10} {'mean ms':>8} {'p90 ms':>8} {'+ userns ms':>12}")
for name, r in results.items():
    times = sorted(r["times"])
    p90 = times[int(len(times) * 0.9)]
    base = results.get(name.replace(" --userns", ""))
    extra = f"{(r['median'] - base['median']) * 1000:12.2f}" if name.endswith("--userns") else ""
    print(f"{name:18} {r['median']*1000:10.2f} {r['mean']*1000:8.2f} {p90*1000:8.2f} {extra}")
PY
echo
"$build/tests/bench/snapshot_bench" --benchmark_filter=BM_OverlayProvisionLayers \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>/dev/null
