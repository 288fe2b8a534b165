#!/usr/bin/env bash
# Registry pull, as root, against the tools that do the same, in one hyperfine session:
#   boxcar  `boxcar image pull` of a ~SIZE_MB MB image of LAYERS gzip layers (each 40 % random
#           1 MiB files, the rest 10 KiB random files) plus busybox, from a docker-registry on
#           loopback into an empty store: --prepare starts a fresh agent on a new --root for
#           every run (its start-up is in --prepare, not timed; the last run's agent is stopped
#           and its root kept: nothing is deleted);
#   boxcar (running agent)  the same pull by an agent that has already served one: --prepare
#           starts a fresh agent on a new --root, as for the row above, and has it pull a small
#           image of its own (no blob in common with the measured one) before the timed pull;
#   skopeo  `skopeo copy` of the same image into a new OCI layout (download + verify, no
#           unpack);
#   floor   the work of boxcar's pull done by standard tools, a reference: a script that fetches
#           the manifest and the config, then for every layer at once (`curl | tee | igzip -dc |
#           tee | tar -x`) downloads the blob, hashes it and checks its digest, gunzips it
#           (igzip from ISA-L, as the agent; else pigz or gzip), hashes the tar stream and checks
#           it against the config's diff id, and extracts it with GNU tar into a directory of
#           its own (openssl hashes: coreutils' sha256sum is 5x slower on these CPUs). Unlike
#           boxcar it keeps no copy of the blobs (the agent writes them with O_DIRECT and
#           fsyncs them) and records nothing;
#   podman  `podman pull` into a storage of its own, a new one for each run.
# NOTHING IS DELETED until the script exits (rows get new directories, the old ones are moved
# aside): on an ext4 without a journal (our VMs) an inode freed less than 60 s ago, or less than
# 360 s ago while its inode-table block is dirty, is skipped one by one by every inode
# allocation in its block group (fs/ext4/ialloc.c: recently_deleted, RECENTCY_MIN 60 and
# RECENTCY_DIRTY 300; only without a journal), and the pulls' own creations dirty those blocks:
# in earlier versions of this script, which removed the running agent's image before each round,
# that scan (recently_deleted and find_get_block in perf) cost the rows that create files
# (boxcar, floor, podman; not skopeo, which creates five) 0.5-1.9 s of CPU in some rounds and
# nothing in others, whatever the rest after the removal (36 or 62 s). For the same reason,
# start this benchmark 6 minutes or more after any large deletion on the same filesystem (the
# cleanup of an earlier benchmark or a CI run).
# Every --prepare ends with `sync`: a row's dirty data (200-400 MB, below the background
# threshold) would otherwise be written back dirty_expire_centisecs later, during whichever
# row of a later round runs then (with ext4's delayed allocation that writeback is CPU too).
# Rounds of one run of each command alternate (RUNS rounds, each starting with the next row)
# and are pooled, as in import-bench.sh: the VM drifts within minutes. Starts its own agents and registry on
# temporary roots, a free loopback port and its own cgroup parent; removes everything.
# Usage: tests/bench/pull-bench.sh [BUILD_DIR] [RUNS] [SIZE_MB] [LAYERS]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
runs=${2:-10}
size_mb=${3:-200}
layers=${4:-4}
boxcar=$build/agent/boxcar
source "$repo/tests/bench/bench_agent.sh"
bench_requirements pull-bench.sh hyperfine docker-registry skopeo umoci python3 curl jq openssl

bench_extra_cleanup() {
  if [ -n "${podman_cmd:-}" ]; then remove_podman_storages "$podman_cmd"; fi
  for pidfile in "$work/pull-agent.pid" "$work/warm-agent.pid" "$work/registry.pid"; do
    if [ -f "$pidfile" ]; then
      local pid
      pid=$(cat "$pidfile")
      kill "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    fi
  done
  for d in /sys/fs/cgroup/*/"$parent"-{pull,warm} /sys/fs/cgroup/"$parent"-{pull,warm}; do
    if [ -d "$d" ]; then rmdir "$d" 2>/dev/null || true; fi
  done
}
start_bench_agent "$build" boxcar-pull-bench
write_move_aside_script

# The registry, on a free loopback port.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/registry.yml" <<EOF
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/registry}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port}
EOF
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
echo $! >"$work/registry.pid"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.05; done

# The image: busybox, then LAYERS layers of SIZE_MB/LAYERS MB each.
per_layer_kib=$((size_mb * 1024 / layers))
big_files=$((per_layer_kib * 4 / 10 / 1024))
small_files=$(((per_layer_kib - big_files * 1024) / 10))
mkdir -p "$work/image" "$work/rootfs"
tar -xf "$build/images/busybox-rootfs.tar" -C "$work/rootfs"
(
  cd "$work/image"
  umoci init --layout oci >/dev/null
  umoci new --image oci:bench >/dev/null
  umoci insert --image oci:bench "$work/rootfs" / >/dev/null
  for i in $(seq "$layers"); do
    tree=$work/tree$i
    mkdir -p "$tree/big$i" "$tree/small$i"
    for f in $(seq "$big_files"); do head -c 1048576 /dev/urandom >"$tree/big$i/f$f"; done
    if [ "$small_files" -gt 0 ]; then
      head -c $((small_files * 10240)) /dev/urandom | split -b 10240 -a 4 - "$tree/small$i/s"
    fi
    umoci insert --image oci:bench "$tree" / >/dev/null
    mv "$tree" "$work/old/"
  done
  umoci config --image oci:bench --config.cmd /bin/sh >/dev/null
  umoci gc --layout oci
)
image=127.0.0.1:$port/bench/pull:1
skopeo copy -q --dest-tls-verify=false "oci:$work/image/oci:bench" "docker://$image"
# The running agent's warm-up image: one layer of one small file of its own.
mkdir -p "$work/warm-image/tree"
head -c 65536 /dev/urandom >"$work/warm-image/tree/warm-up"
(
  cd "$work/warm-image"
  umoci init --layout oci >/dev/null
  umoci new --image oci:warm >/dev/null
  umoci insert --image oci:warm tree / >/dev/null
  umoci config --image oci:warm --config.cmd /warm-up >/dev/null
)
warm_image=127.0.0.1:$port/bench/warm:1
skopeo copy -q --dest-tls-verify=false "oci:$work/warm-image/oci:warm" "docker://$warm_image"
image_mb=$(du -sm "$work/registry" | cut -f1)

# --prepare of the boxcar runs: the previous agent stopped, a new one on an empty root.
write_fresh_agent_script "$build" pull
write_fresh_agent_script "$build" warm "$boxcar" image pull -q "$warm_image"
mkdir -p "$work/layouts"
# --prepare of the skopeo, floor and podman runs: MOVE-ASIDE PATH... moves the last run's output
# into $work/old, never removes it (everything goes at exit), as the cold agents' roots are
# never reused. Deleting it just before the next run would hand that run the page cache it had
# just freed, while the other rows write into memory not touched before, which on these VMs
# costs ~3 ms of system time per MB (dd of 200 MB: 0.60 s into fresh page cache, 0.08-0.12 s
# into pages just freed); and deleting many files slows the next run's file creation (above).
# (move-aside.sh is written at the start, by write_move_aside_script.)

commands=(-n "boxcar image pull (${image_mb} MB, $((layers + 1)) layers)"
  --prepare "$work/fresh-pull-agent.sh && sync"
  "env BOXCAR_SOCKET=$work/pull.sock $boxcar image pull -q $image"
  -n "boxcar image pull (running agent)"
  --prepare "$work/fresh-warm-agent.sh && sync"
  "env BOXCAR_SOCKET=$work/warm.sock $boxcar image pull -q $image"
  -n "skopeo copy to an OCI layout"
  --prepare "$work/move-aside.sh $work/layouts/next && sync"
  "skopeo copy -q --src-tls-verify=false docker://$image oci:$work/layouts/next:bench")
# The floor: FLOOR_SCRIPT REGISTRY_URL REPOSITORY TAG DIR, DIR new.
gunzip=gzip
for tool in igzip pigz; do
  if command -v "$tool" >/dev/null; then gunzip=$tool && break; fi
done
cat >"$work/floor.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
registry=$1 repository=$2 tag=$3 dir=$4 gunzip=$5
mkdir "$dir"
blob() { curl -sSf "$registry/v2/$repository/blobs/$1"; }
check() {  # WHAT EXPECTED SUM_FILE
  local got
  got=sha256:$(cut -d' ' -f1 "$3")
  [ "$got" = "$2" ] || { echo "floor: $1: expected $2, got $got" >&2; return 1; }
}
manifest=$(curl -sSf -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
  "$registry/v2/$repository/manifests/$tag")
config_digest=$(jq -r .config.digest <<<"$manifest")
blob "$config_digest" >"$dir/config.json"
openssl dgst -sha256 -r "$dir/config.json" >"$dir/config.sum"
check config "$config_digest" "$dir/config.sum"
mapfile -t layers < <(jq -r '.layers[] | .digest + " " + .mediaType' <<<"$manifest")
mapfile -t diff_ids < <(jq -r '.rootfs.diff_ids[]' "$dir/config.json")
[ ${#layers[@]} = ${#diff_ids[@]} ] || { echo "floor: layers and diff ids differ" >&2; exit 1; }
layer() {  # INDEX DIGEST MEDIA_TYPE DIFF_ID
  local out=$dir/layer$1 decompress=cat
  case $3 in *gzip) decompress="$gunzip -dc" ;; *tar) ;; *) echo "floor: $3" >&2; return 1 ;; esac
  mkdir "$out"
  mkfifo "$out.blob" "$out.diff"
  openssl dgst -sha256 -r <"$out.blob" >"$out.blob-sum" &
  local blob_hasher=$!
  openssl dgst -sha256 -r <"$out.diff" >"$out.diff-sum" &
  local diff_hasher=$!
  blob "$2" | tee "$out.blob" | $decompress | tee "$out.diff" | tar -x -C "$out"
  wait "$blob_hasher"
  wait "$diff_hasher"
  check "layer $2" "$2" "$out.blob-sum"
  check "layer $2: diff id" "$4" "$out.diff-sum"
}
pids=()
for i in "${!layers[@]}"; do
  read -r digest media_type <<<"${layers[$i]}"
  layer "$i" "$digest" "$media_type" "${diff_ids[$i]}" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
EOF
chmod +x "$work/floor.sh"
# Each run a new directory; the last one is moved aside.
commands+=(-n "floor: curl + sha256 + $gunzip + tar -x (per layer, in parallel)"
  --prepare "$work/move-aside.sh $work/floor && sync"
  "$work/floor.sh http://127.0.0.1:$port bench/pull 1 $work/floor $gunzip")
if command -v podman >/dev/null; then
  # A storage of its own (podman's default driver), never the host's /var/lib/containers.
  podman_cmd="podman --root $work/podman-root --runroot $work/podman-run --events-backend none"
  # Each run gets an empty storage by moving the last one aside, never by `rmi` (~12,000 files
  # deleted between runs slowed the next run's file creation, and the next run was boxcar's),
  # made by an untimed `podman images` so that the run does not pay the storage's creation.
  commands+=(-n "podman pull"
    --prepare "$work/move-aside.sh $work/podman-root $work/podman-run && $podman_cmd images >/dev/null && sync"
    "$podman_cmd pull -q --tls-verify=false $image")
else
  echo "podman is not installed: no podman pull comparison" >&2
fi
hyperfine --warmup 1 --runs 1 "${commands[@]}" >/dev/null
# Round R starts with row (R-1) mod ROWS and goes round: a row's place in the round matters on
# these VMs (of the two boxcar rows, the one run first was the faster in all 7 runs of
# 2026-12-04 17:05-18:45, by 0.01-0.48 s, whichever it was), so every row takes every place in
# turn; use a multiple of the 5 rows for RUNS. Each row is 5 words: -n NAME --prepare P CMD.
rows=$((${#commands[@]} / 5))
for round in $(seq "$runs"); do
  first=$(((round - 1) % rows * 5))
  rotated=("${commands[@]:first}" "${commands[@]:0:first}")
  hyperfine --runs 1 --export-json "$work/pull-$round.json" "${rotated[@]}" >/dev/null
done
pool_rounds "$work" pull "$runs"

python3 - "$work/pull.json" "$image_mb" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
size_mb = float(sys.argv[2])
boxcar = results[0]["median"]
width = max(len(r["command"]) for r in results)
print(f"{'command':{width}} {'median s':>9} {'min s':>7} {'max s':>7} {'MB/s':>7} {'vs boxcar':>10}")
for r in results:
    print(f"{r['command']:{width}} {r['median']:9.3f} {r['min']:7.3f} {r['max']:7.3f} "
          f"{size_mb / r['median']:7.1f} {r['median'] / boxcar:9.2f}x")
PY
