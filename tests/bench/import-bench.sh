#!/usr/bin/env bash
# Image import and commit, as root, against their floor in the same hyperfine session:
#   import  `boxcar image import` of a ~200 MB uncompressed docker-archive built here (LAYERS
#           layers of ~50 MB each: 40 x 1 MiB random files and 1000 x 10 KiB ones) into an
#           empty store: --prepare starts a fresh agent on a new --root for every run;
#   floor   `tar -x` of every layer tarball of that archive into a new directory plus
#           `sha256sum` of the layer tarballs: what an import cannot avoid (unpack the data,
#           hash it once);
#   podman  `podman load` of the same archive into a storage of its own, when podman is
#           installed (deploy/install-deps.sh installs it);
#   commit  `boxcar commit` of a stopped container whose upper directory holds 50 MB of
#           changes (50 x 1 MiB random files), the committed image removed each run.
# NOTE: nothing is deleted before the commit runs (old roots, directories and podman storages
# are moved aside and removed at the end): on ext4 without a journal, creating files within
# 60-360 s of deleting as many is several times slower (the inode allocator skips recently
# deleted inodes one by one, see pull-bench.sh), which would measure an earlier run's clean-up,
# not the import. Start it 6 minutes or more after a large deletion on the same filesystem.
# Starts its own agents on temporary roots, sockets and cgroup parents; removes everything.
# Usage: tests/bench/import-bench.sh [BUILD_DIR] [RUNS] [LAYERS] (RUNS alternating rounds)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
runs=${2:-10}
layers=${3:-4}
[ "$(id -u)" = 0 ] || { echo "import-bench.sh: run as root" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "import-bench.sh: install hyperfine" >&2; exit 1; }

boxcar=$build/agent/boxcar
source "$repo/tests/bench/bench_agent.sh"
bench_extra_cleanup() {
  "$boxcar" ps -a -q | xargs -r "$boxcar" rm -f >/dev/null 2>&1
  if [ -n "${podman_cmd:-}" ]; then remove_podman_storages "$podman_cmd"; fi
  if [ -f "$work/import-agent.pid" ]; then
    local pid
    pid=$(cat "$work/import-agent.pid")
    kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  fi
  for d in /sys/fs/cgroup/*/"$parent-import" /sys/fs/cgroup/"$parent-import"; do
    if [ -d "$d" ]; then rmdir "$d" 2>/dev/null || true; fi
  done
}
start_bench_agent "$build" boxcar-import-bench
write_move_aside_script

# The archive: one layer tarball per directory, a config naming their diff ids, manifest.json.
archive_dir=$work/archive
mkdir -p "$archive_dir"
for i in $(seq "$layers"); do
  tree=$work/tree$i
  mkdir -p "$tree/big$i" "$tree/small$i"
  for f in $(seq 40); do head -c 1048576 /dev/urandom >"$tree/big$i/f$f"; done
  head -c 10240000 /dev/urandom | split -b 10240 -a 3 - "$tree/small$i/s"
  tar --sort=name --numeric-owner --owner=0 --group=0 -C "$tree" -cf "$archive_dir/layer$i.tar" .
  mv "$tree" "$work/old/"
done
python3 - "$archive_dir" "$layers" <<'PY'
import hashlib, json, os, sys
root, count = sys.argv[1], int(sys.argv[2])
names = [f"layer{i}.tar" for i in range(1, count + 1)]
def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()
config = {"architecture": "amd64", "os": "linux", "config": {"Cmd": ["sh"]},
          "rootfs": {"type": "layers", "diff_ids": [digest(os.path.join(root, n)) for n in names]}}
json.dump(config, open(os.path.join(root, "config.json"), "w"))
json.dump([{"Config": "config.json", "RepoTags": ["bench/import:1"], "Layers": names}],
          open(os.path.join(root, "manifest.json"), "w"))
PY
archive=$work/archive.tar
tar -C "$archive_dir" -cf "$archive" manifest.json config.json $(cd "$archive_dir" && ls layer*.tar)
archive_mb=$(($(stat -c %s "$archive") / 1000000))

# --prepare of the import runs: the previous agent stopped, a new one on an empty root.
write_fresh_agent_script "$build" import
mkdir -p "$work/floors"

commands=(-n "boxcar image import (${archive_mb} MB, $layers layers)"
  --prepare "$work/fresh-import-agent.sh"
  "env BOXCAR_SOCKET=$work/import.sock $boxcar image import -q $archive"
  -n "floor: tar -x + sha256sum of the layers"
  --prepare "mkdir $work/floors/next && mv $work/floors/next $work/floors/\$(date +%s%N)"
  "d=\$(ls -d $work/floors/* | tail -1); for l in $archive_dir/layer*.tar; do tar -xf \$l -C \$d; done; sha256sum $archive_dir/layer*.tar >/dev/null")
if command -v podman >/dev/null; then
  # A storage of its own (podman's default driver), never the host's /var/lib/containers.
  podman_cmd="podman --root $work/podman-root --runroot $work/podman-run --events-backend none"
  # A new storage for each run, the last one moved aside (never `rmi`: see NOTE), made by an
  # untimed `podman images` so that the run does not pay the storage's creation.
  commands+=(-n "podman load"
    --prepare "$work/move-aside.sh $work/podman-root $work/podman-run && $podman_cmd images >/dev/null"
    "$podman_cmd load -q -i $archive")
else
  echo "podman is not installed: no podman load comparison" >&2
fi
# Alternating rounds of one run of each command, pooled: the VM and this file system drift by
# tens of percent within minutes (see run-bench.sh), and one command's runs in a row would
# meet a different machine than the next command's.
hyperfine --warmup 1 --runs 1 "${commands[@]}" >/dev/null
for round in $(seq "$runs"); do
  hyperfine --runs 1 --export-json "$work/import-$round.json" "${commands[@]}" >/dev/null
done
pool_rounds "$work" import "$runs"

# Commit: a stopped container with 50 MB of changes.
"$boxcar" run --name bench-commit busybox sh -c \
  'mkdir /changes && for i in $(seq 50); do head -c 1048576 /dev/urandom > /changes/f$i; done'
hyperfine --warmup 1 --runs "$runs" --export-json "$work/commit.json" \
  -n "boxcar commit (50 MB of changes)" \
  --prepare "$boxcar image rm bench/commit:1 >/dev/null 2>&1; $boxcar image prune >/dev/null" \
  "$boxcar commit bench-commit bench/commit:1" >/dev/null

python3 - "$work/import.json" "$work/commit.json" "$archive" <<'PY'
import json, os, sys
results = json.load(open(sys.argv[1]))["results"] + json.load(open(sys.argv[2]))["results"]
size = os.path.getsize(sys.argv[3])
floor = next(r for r in results if r["command"].startswith("floor"))["median"]
print(f"{'command':46} {'median s':>9} {'min s':>7} {'max s':>7} {'MB/s':>7} {'speed vs floor':>15}")
for r in results:
    commit = r["command"].startswith("boxcar commit")
    speed = "" if commit else f"{floor / r['median']:.2f}x"
    rate = (50 * 1.048576 if commit else size / 1e6) / r["median"]
    print(f"{r['command']:46} {r['median']:9.3f} {r['min']:7.3f} {r['max']:7.3f} {rate:7.0f} {speed:>15}")
PY
