#!/usr/bin/env bash
# Whole-process comparison, as root: `boxcar run --rm busybox true` on the chroot backend
# against the unshare+chroot floor and runc, all measured in the same run with hyperfine,
# plus the in-process overlay provisioning benchmark. Starts its own agent on a temporary
# root, socket and cgroup parent, and removes everything afterwards.
# Usage: tests/bench/run-bench.sh [BUILD_DIR] [RUNS]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
runs=${2:-200}
[ "$(id -u)" = 0 ] || { echo "run-bench.sh: run as root" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "run-bench.sh: install hyperfine (deploy/install-deps.sh)" >&2; exit 1; }

source "$repo/tests/bench/bench_agent.sh"
bench_extra_cleanup() { runc delete -f "bench-$$" >/dev/null 2>&1 || true; }
start_bench_agent "$build" boxcar-bench

rootfs=$work/rootfs
mkdir -p "$rootfs" && tar -xf "$build/images/busybox-rootfs.tar" -C "$rootfs"
commands=(
  "$build/agent/boxcar run --rm busybox true"
  "unshare --pid --mount --uts --ipc --net --fork chroot $rootfs /bin/true"
)
names=("boxcar run --rm busybox true (chroot)" "unshare+chroot floor")
if command -v runc >/dev/null; then
  bundle=$work/bundle
  mkdir -p "$bundle" && (cd "$bundle" && runc spec)
  python3 - "$bundle/config.json" "$rootfs" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["root"] = {"path": sys.argv[2], "readonly": False}
config["process"]["terminal"] = False
config["process"]["args"] = ["/bin/true"]
json.dump(config, open(sys.argv[1], "w"))
PY
  commands+=("runc run --bundle $bundle bench-$$")
  names+=("runc run (same rootfs)")
fi
if command -v podman >/dev/null && podman image exists busybox 2>/dev/null; then
  commands+=("podman run --rm --network none busybox true")
  names+=("podman run --rm")
fi
args=()
for i in "${!commands[@]}"; do args+=(-n "${names[$i]}" "${commands[$i]}"); done
hyperfine -N --warmup 10 --runs "$runs" --export-json "$work/run.json" --export-markdown "$work/run.md" "${args[@]}" >/dev/null
python3 - "$work/run.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
floor = next(r for r in results if r["command"].startswith("unshare"))["median"]
print(f"{'command':42} {'median ms':>10} {'mean ms':>8} {'p90 ms':>8} {'x floor':>8}")
for r in results:
    times = sorted(r["times"])
    p90 = times[int(len(times) * 0.9)]
    print(f"{r['command']:42} {r['median']*1000:10.2f} {r['mean']*1000:8.2f} {p90*1000:8.2f} {r['median']/floor:8.2f}")
PY
echo
"$build/tests/bench/snapshot_bench" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>/dev/null
