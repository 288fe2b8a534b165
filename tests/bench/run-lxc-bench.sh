#!/usr/bin/env bash
# The lxc backend against the chroot backend and plain lxc-execute, as root, in one hyperfine
# session: `boxcar run --rm --backend lxc busybox true`, the same with --backend chroot, and
# `lxc-execute` of /bin/true with an equivalent configuration (its own lxcpath in a temporary
# directory, the same busybox rootfs, an empty network namespace, proc:mixed sys:ro, autodev).
# Starts its own agent (defaults, so chroot has its prewarmed shims and lxc has none) on a
# temporary root, socket and cgroup parent; removes everything afterwards, including what
# lxc-execute leaves behind (lxc.pivot cgroups at each hierarchy's root, /run/lxc/lock/...).
# Usage: tests/bench/run-lxc-bench.sh [BUILD_DIR] [RUNS]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
runs=${2:-200}
[ "$(id -u)" = 0 ] || { echo "run-lxc-bench.sh: run as root" >&2; exit 1; }
for tool in hyperfine lxc-execute; do
  command -v $tool >/dev/null || { echo "run-lxc-bench.sh: install $tool (deploy/install-deps.sh)" >&2; exit 1; }
done

source "$repo/tests/bench/bench_agent.sh"
run_lxc_existed=$([ -e /run/lxc ] && echo yes || echo no)
pivots_before=$(ls -d /sys/fs/cgroup/*/lxc.pivot /sys/fs/cgroup/lxc.pivot 2>/dev/null || true)
bench_extra_cleanup() {
  # lxc-execute's monitor cgroups end in lxc.pivot at the root of every hierarchy.
  for d in /sys/fs/cgroup/*/lxc.pivot /sys/fs/cgroup/lxc.pivot; do
    [ -d "$d" ] && ! grep -qx "$d" <<<"$pivots_before" && rmdir "$d" 2>/dev/null
  done
  # ... and its lock directories: /run/lxc/lock/<lxcpath>, down to what existed before.
  if [ "$run_lxc_existed" = no ]; then
    rm -rf /run/lxc
  else
    rm -rf "/run/lxc/lock$work"
    local dir
    dir=/run/lxc/lock$(dirname "$work")
    while [ "$dir" != /run/lxc/lock ] && rmdir "$dir" 2>/dev/null; do dir=$(dirname "$dir"); done
  fi
}
start_bench_agent "$build" boxcar-lxc-bench

rootfs=$work/rootfs
mkdir -p "$rootfs" "$work/lxc" && tar -xf "$build/images/busybox-rootfs.tar" -C "$rootfs"
cat >"$work/lxc.conf" <<EOF
lxc.rootfs.path = dir:$rootfs
lxc.rootfs.managed = 0
lxc.uts.name = bench
lxc.net.0.type = empty
lxc.net.0.flags = up
lxc.mount.auto = proc:mixed sys:ro
lxc.autodev = 1
lxc.console.path = none
lxc.log.file = $work/lxc-execute.log
lxc.log.level = ERROR
EOF

names=("boxcar run --rm --backend lxc" "boxcar run --rm --backend chroot" "lxc-execute (same rootfs)")
commands=(
  "$build/agent/boxcar run --rm --backend lxc busybox true"
  "$build/agent/boxcar run --rm --backend chroot busybox true"
  "lxc-execute -P $work/lxc -n bench -f $work/lxc.conf -- /bin/true"
)
args=()
for i in "${!commands[@]}"; do args+=(-n "${names[$i]}" "${commands[$i]}"); done
hyperfine -N --warmup 10 --runs "$runs" --export-json "$work/run.json" "${args[@]}" >/dev/null
python3 - "$work/run.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
print(f"{'command':36} {'median ms':>10} {'mean ms':>8} {'p90 ms':>8}")
for r in results:
    times = sorted(r["times"])
    p90 = times[int(len(times) * 0.9)]
    print(f"{r['command']:36} {r['median']*1000:10.2f} {r['mean']*1000:8.2f} {p90*1000:8.2f}")
PY
