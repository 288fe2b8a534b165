# shellcheck shell=bash
# Sourced by the benchmark scripts: a boxcard of their own on a temporary root, socket and
# cgroup parent, with the bundled busybox image; stopped, and everything it made removed, when
# the script exits.
#   start_bench_agent BUILD_DIR NAME [BOXCARD FLAGS...]
# sets $work (a temporary directory, removed at exit), $parent (the cgroup parent) and
# exports BOXCAR_SOCKET. A script that defines bench_extra_cleanup has it run first at exit,
# while the agent still answers. BENCH_AGENT_PREFIX (words, e.g. "nsenter --net=/run/netns/X --")
# goes before boxcard: a program that execs it in place.

# bench_requirements SCRIPT TOOL...: exits unless run as root with every TOOL installed.
bench_requirements() {
  local script=$1 tool
  shift
  [ "$(id -u)" = 0 ] || { echo "$script: run as root" >&2; exit 1; }
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$script: install $tool (deploy/install-deps.sh)" >&2; exit 1; }
  done
}

# pool_rounds WORK PREFIX ROUNDS: hyperfine's exports WORK/PREFIX-1.json .. PREFIX-ROUNDS.json
# (alternating rounds of the same commands) pooled into WORK/PREFIX.json: per command, in
# hyperfine's order, every time of every round and their median, min and max.
pool_rounds() {
  python3 - "$@" <<'PY'
import json, statistics, sys
work, prefix, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
pooled = {}
for round in range(1, rounds + 1):
    for result in json.load(open(f"{work}/{prefix}-{round}.json"))["results"]:
        pooled.setdefault(result["command"], []).extend(result["times"])
results = [{"command": c, "times": t, "median": statistics.median(t), "min": min(t),
            "max": max(t)} for c, t in pooled.items()]
json.dump({"results": results}, open(f"{work}/{prefix}.json", "w"))
PY
}

# write_fresh_agent_script BUILD_DIR NAME [WARM_UP...]: writes $work/fresh-NAME-agent.sh, a
# hyperfine --prepare that stops the agent it started last and starts a new one on an empty root
# (socket $work/NAME.sock, pid file $work/NAME-agent.pid, cgroup parent $parent-NAME, no
# prewarm), waits until it answers, then runs WARM_UP (words of a command, run with
# BOXCAR_SOCKET set to the new agent) if given. The last agent's root is kept, never deleted
# (see pull-bench.sh on deletions).
write_fresh_agent_script() {
  local build=$1 name=$2
  shift 2
  local warm_up=${*:-true}
  cat >"$work/fresh-$name-agent.sh" <<EOF
#!/bin/sh
set -e
if [ -f $work/$name-agent.pid ]; then
  pid=\$(cat $work/$name-agent.pid)
  kill \$pid 2>/dev/null || true
  while kill -0 \$pid 2>/dev/null; do sleep 0.02; done
fi
root=$work/roots/\$(date +%s%N)
mkdir -p $work/roots
$build/agent/boxcard --root \$root --socket $work/$name.sock --cgroup-parent $parent-$name \\
  --prewarm 0 --log-level warn >>$work/$name-agent.log 2>&1 &
echo \$! >$work/$name-agent.pid
export BOXCAR_SOCKET=$work/$name.sock
for i in \$(seq 200); do $build/agent/boxcar info >/dev/null 2>&1 && break; sleep 0.02; done
$build/agent/boxcar info >/dev/null
$warm_up >/dev/null
EOF
  chmod +x "$work/fresh-$name-agent.sh"
}

# write_move_aside_script: makes $work/old and writes $work/move-aside.sh, a hyperfine
# --prepare: MOVE-ASIDE PATH... moves each PATH that exists into $work/old (a new name each
# time), never deletes it: the script's exit removes everything (see pull-bench.sh on
# deletions). Set-up steps put what they are done with into $work/old too.
write_move_aside_script() {
  mkdir -p "$work/old"
  cat >"$work/move-aside.sh" <<EOF
#!/bin/sh
n=\$(date +%s%N)
for path in "\$@"; do
  [ ! -d "\$path" ] || mv "\$path" "$work/old/\$(basename "\$path")-\$n"
done
EOF
  chmod +x "$work/move-aside.sh"
}

# remove_podman_storages PODMAN_CMD: at exit, the images of PODMAN_CMD's storage removed and
# the private mounts podman's overlay driver made in every storage under $work/podman* and
# $work/old/podman* (those moved aside) unmounted, so that the work directory can go.
remove_podman_storages() {
  $1 rmi -a -f >/dev/null 2>&1 || true
  awk -v dir="$work/podman" -v old="$work/old/podman" \
    'index($2, dir) == 1 || index($2, old) == 1 {print $2}' /proc/mounts | sort -r |
    xargs -r -n1 umount -l
}

start_bench_agent() {
  local build=$1 name=$2
  shift 2
  work=$(mktemp -d "/tmp/$name-XXXXXX")
  parent=$name-$$
  trap stop_bench_agent EXIT
  # shellcheck disable=SC2086
  ${BENCH_AGENT_PREFIX:-} "$build/agent/boxcard" --root "$work/root" --socket "$work/sock" --cgroup-parent "$parent" \
    --log-level warn "$@" >"$work/agent.log" 2>&1 &
  bench_agent_pid=$!
  export BOXCAR_SOCKET=$work/sock
  for _ in $(seq 100); do "$build/agent/boxcar" info >/dev/null 2>&1 && break; sleep 0.05; done
  "$build/agent/boxcar" image import -q "$build/images/busybox-rootfs.tar" busybox --cmd sh >/dev/null
}

stop_bench_agent() {
  if declare -F bench_extra_cleanup >/dev/null; then bench_extra_cleanup || true; fi
  if [ -n "${bench_agent_pid:-}" ]; then
    kill "$bench_agent_pid" 2>/dev/null && wait "$bench_agent_pid" 2>/dev/null || true
  fi
  for d in /sys/fs/cgroup/*/"$parent" /sys/fs/cgroup/"$parent"; do
    [ -d "$d" ] && rmdir "$d" 2>/dev/null
  done
  rm -rf "$work"
}
