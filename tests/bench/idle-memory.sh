#!/usr/bin/env bash
# Memory that an idle container costs, per backend, as root: starts N (default 100) containers
# running `sleep 3600` on the chroot backend, measures, removes them, then the same on the lxc
# backend. Per container it reports:
#   helpers      the processes the backend keeps beside the payload: boxcar-shim (chroot);
#                boxcar-lxc-shim and its child, LXC's monitor (lxc). Found from the payload's
#                pid (boxcar inspect) by walking up to the agent.
#   helper PSS   sum of Pss over the helpers (/proc/<pid>/smaps_rollup): shared pages (libc,
#                liblxc, the binary) divided among the processes mapping them.
#   helper RSS   sum of Rss over the helpers, shared pages counted in full.
#   cgroup       memory.usage_in_bytes (v1) or memory.current (v2) of the container's memory
#                cgroup: the payload, plus whatever helper lives inside it (LXC's monitor; a
#                prewarmed boxcar-shim), including kernel memory charged to it.
#   payload PSS  Pss of the payload itself (busybox sleep), for scale.
#   MemAvailable the drop of /proc/meminfo's MemAvailable from before starting the containers
#                to after: everything, kernel included (mounts, namespaces, page tables, the
#                agent's own growth); noisy.
# Starts its own agent on a temporary root, socket and cgroup parent and removes everything.
# Usage: tests/bench/idle-memory.sh [BUILD_DIR] [COUNT]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
count=${2:-100}
[ "$(id -u)" = 0 ] || { echo "idle-memory.sh: run as root" >&2; exit 1; }

boxcar() { "$build/agent/boxcar" "$@"; }
source "$repo/tests/bench/bench_agent.sh"
bench_extra_cleanup() { boxcar ps -a -q | xargs -r "$build/agent/boxcar" rm -f >/dev/null 2>&1; }
start_bench_agent "$build" boxcar-idle-memory
agent_pid=$bench_agent_pid

mem_available_kib() { awk '/^MemAvailable:/ {print $2}' /proc/meminfo; }

for backend in chroot lxc; do
  sleep 1
  before=$(mem_available_kib)
  : >"$work/ids"
  for _ in $(seq "$count"); do
    boxcar run -d --backend "$backend" busybox sleep 3600 >>"$work/ids"
  done
  sleep 2
  after=$(mem_available_kib)
  for id in $(cat "$work/ids"); do boxcar inspect "$id" | python3 -c \
    'import json,sys; c=json.load(sys.stdin)[0]; print(c["id"], c["pid"])'; done >"$work/pids"
  python3 - "$backend" "$parent" "$agent_pid" "$work/pids" "$before" "$after" <<'PY'
import os, sys
backend, parent, agent_pid, pids_file, before, after = sys.argv[1:7]
agent_pid = int(agent_pid)

def rollup(pid):
    values = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[0] in ("Rss:", "Pss:"):
                values[parts[0][:-1]] = int(parts[1])
    return values

def ppid(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])

def cgroup_usage(container_id):
    for path in (f"/sys/fs/cgroup/memory/{parent}/{container_id}/memory.usage_in_bytes",
                 f"/sys/fs/cgroup/{parent}/{container_id}/memory.current"):
        if os.path.exists(path):
            return int(open(path).read()) // 1024
    return 0

rows = [line.split() for line in open(pids_file) if line.strip()]
helpers = helper_pss = helper_rss = cgroup = payload_pss = 0
for container_id, pid in rows:
    pid = int(pid)
    payload_pss += rollup(pid)["Pss"]
    cgroup += cgroup_usage(container_id)
    helper = ppid(pid)
    while helper not in (agent_pid, 1, 0):
        values = rollup(helper)
        helpers += 1
        helper_pss += values["Pss"]
        helper_rss += values["Rss"]
        helper = ppid(helper)
n = len(rows)
print(f"{backend}: {n} containers; per container: {helpers / n:.0f} helper process(es), "
      f"helper PSS {helper_pss / n:.0f} KiB, helper RSS {helper_rss / n:.0f} KiB, "
      f"cgroup {cgroup / n:.0f} KiB, payload PSS {payload_pss / n:.0f} KiB, "
      f"MemAvailable drop {(int(before) - int(after)) / n:.0f} KiB")
PY
  xargs -r "$build/agent/boxcar" rm -f <"$work/ids" >/dev/null
done
