#!/usr/bin/env bash
# Whole-process comparison, as root: `boxcar run --rm busybox true` on the chroot backend
# against the unshare+chroot floor and runc, timed by hyperfine in alternating rounds,
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
# The VM's speed drifts by tens of percent over seconds, so one long hyperfine session (every
# run of one command, then every run of the next) compares each command with a different
# machine. Rounds of a few runs each, alternating the commands, and the times of all rounds
# pooled, compare them on the same machine; hyperfine still times every run.
rounds=${BENCH_ROUNDS:-10}
per_round=$(( (runs + rounds - 1) / rounds ))
for round in $(seq "$rounds"); do
  hyperfine -N --warmup 3 --runs "$per_round" --export-json "$work/run-$round.json" "${args[@]}" \
    >/dev/null 2>&1
done
pool_rounds "$work" run "$rounds"
python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
pooled = {r["command"]: r["times"] for r in json.load(open(f"{work}/run.json"))["results"]}
floor = statistics.median(next(t for c, t in pooled.items() if c.startswith("unshare")))
print(f"{rounds} rounds, {len(next(iter(pooled.values())))} runs of each command")
print(f"{'command':42} {'median ms':>10} {'mean ms':>8} {'p90 ms':>8} {'x floor':>8}")
for command, times in pooled.items():
    times.sort()
    median = statistics.median(times)
    print(f"{command:42} {median*1000:10.2f} {statistics.mean(times)*1000:8.2f} "
          f"{times[int(len(times) * 0.9)]*1000:8.2f} {median/floor:8.2f}")
PY
echo
"$build/tests/bench/snapshot_bench" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>/dev/null
