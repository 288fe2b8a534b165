#!/usr/bin/env bash
# What health checks cost the agent, as root: starts COUNT (default 100) containers running
# `sleep 3600` without a check and reads the agent's threads and RSS (/proc/<pid>/status), then
# COUNT more with `--health-cmd true --health-interval 10s`, waits until every one of them was
# probed healthy, and reads them again, twice, 10 s apart (probes going on). Reports both
# and their ratio: the floor is the same agent with as many containers without checks.
# Starts its own agent on a temporary root, socket and cgroup parent and removes everything.
# Usage: tests/bench/health-bench.sh [BUILD_DIR] [COUNT]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
count=${2:-100}
boxcar() { "$build/agent/boxcar" "$@"; }
source "$repo/tests/bench/bench_agent.sh"
bench_requirements health-bench.sh
bench_extra_cleanup() { boxcar ps -a -q | xargs -r "$build/agent/boxcar" rm -f >/dev/null 2>&1; }
start_bench_agent "$build" boxcar-health-bench --prewarm 0
agent_pid=$bench_agent_pid

# agent_figures: "THREADS RSS_KIB" of the agent now.
agent_figures() { awk '/^Threads:/ {t=$2} /^VmRSS:/ {r=$2} END {print t, r}' "/proc/$agent_pid/status"; }

for i in $(seq "$count"); do boxcar run -d --name "plain-$i" busybox sleep 3600 >/dev/null; done
sleep 2
read -r plain_threads plain_rss < <(agent_figures)
for i in $(seq "$count"); do
  boxcar run -d --name "checked-$i" --health-cmd true --health-interval 10s \
    --health-start-period 60s --health-start-interval 1s busybox sleep 3600 >/dev/null
done
deadline=$((SECONDS + 120))
until [ "$(boxcar ps -q --filter health=healthy | wc -l)" -ge "$count" ]; do
  [ $SECONDS -lt $deadline ] || { echo "health-bench.sh: not all healthy after 120 s" >&2; exit 1; }
  sleep 1
done
read -r checked_threads checked_rss < <(agent_figures)
sleep 10
read -r later_threads later_rss < <(agent_figures)
python3 - "$count" "$plain_threads" "$plain_rss" "$checked_threads" "$checked_rss" \
  "$later_threads" "$later_rss" <<'PY'
import sys
count, pt, pr, ct, cr, lt, lr = map(int, sys.argv[1:])
print(f"agent with {count} containers without a check: {pt} threads, RSS {pr / 1024:.1f} MiB")
print(f"+ {count} with a check, all healthy:          {ct} threads, RSS {cr / 1024:.1f} MiB")
print(f"  10 s later (probes going on):               {lt} threads, RSS {lr / 1024:.1f} MiB")
print(f"threads x floor {max(ct, lt) / pt:.2f}; RSS x floor {max(cr, lr) / pr:.2f}; "
      f"per checked container {(max(cr, lr) - pr) / count:.0f} KiB")
PY
