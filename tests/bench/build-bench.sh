#!/usr/bin/env bash
# `boxcar build` against `buildah bud` (and `podman build` where it works here), as root, on
# one five-step Dockerfile (FROM busybox, COPY SIZE_MB of random data, RUN, ENV, CMD):
#   cold    every step runs: the previous result and its step images are removed first
#           (boxcar: image rm + image prune + its kept contexts, so the whole context is
#           uploaded; buildah/podman: rmi -a), so layers are written and unpacked again;
#   cached  the same context again: every step from the cache, context upload included (the
#           listing, and only the files that changed: none).
# Alternating rounds of one run of each command, pooled (the VM drifts within minutes; see
# run-bench.sh). Starts its own agent on a temporary root, socket and cgroup parent; buildah
# and podman use storages of their own under it (vfs driver, chroot isolation: no runtime and
# no cgroups, which hybrid cgroup hosts break). Everything is removed at exit.
# Usage: tests/bench/build-bench.sh [BUILD_DIR] [ROUNDS] [SIZE_MB]
# (a check that it works: tests/bench/build-bench.sh build 1 1)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
rounds=${2:-10}
size_mb=${3:-50}
boxcar=$build/agent/boxcar
source "$repo/tests/bench/bench_agent.sh"
bench_requirements build-bench.sh hyperfine buildah
bench_extra_cleanup() {
  "$boxcar" ps -a -q | xargs -r "$boxcar" rm -f >/dev/null 2>&1 || true
  for tool in "${buildah_cmd:-}" "${podman_cmd:-}"; do
    [ -n "$tool" ] && $tool rmi -a -f >/dev/null 2>&1 || true
  done
  awk -v dir="$work" 'index($2, dir) == 1 {print $2}' /proc/mounts | sort -r | xargs -r -n1 umount -l
}
start_bench_agent "$build" boxcar-build-bench

context=$work/context
mkdir -p "$context/data"
head -c $((size_mb * 1048576)) /dev/urandom >"$context/data/blob"
cat >"$context/Dockerfile" <<'DOCKERFILE'
ARG BASE=busybox
FROM ${BASE}
COPY data /data
RUN wc -c /data/blob > /size
ENV BENCH=1
CMD ["cat", "/size"]
DOCKERFILE
base=$work/busybox-oci.tar
"$boxcar" image save -o "$base" busybox

buildah_cmd="buildah --root $work/buildah-root --runroot $work/buildah-run --storage-driver vfs"
bud="$buildah_cmd bud --isolation chroot --layers -q --build-arg BASE=oci-archive:$base"
commands=(
  -n "boxcar build, cold" --prepare "$boxcar image rm bench:cold >/dev/null 2>&1; $boxcar image prune >/dev/null; rm -rf $work/root/build-contexts"
  "$boxcar build -q -t bench:cold $context"
  -n "boxcar build, cached" --prepare true "$boxcar build -q -t bench:cached $context"
  -n "buildah bud, cold" --prepare "$buildah_cmd rmi -a -f >/dev/null 2>&1 || true"
  "$bud -t bench:cold $context"
  -n "buildah bud, cached" --prepare "$bud -t bench:cached $context >/dev/null"
  "$bud -t bench:cached $context")
podman_cmd="podman --root $work/podman-root --runroot $work/podman-run --storage-driver vfs --events-backend none"
pbuild="$podman_cmd build --isolation chroot --layers -q --build-arg BASE=oci-archive:$base"
if command -v podman >/dev/null && $pbuild -t bench:probe "$context" >/dev/null 2>"$work/podman.err"; then
  commands+=(-n "podman build, cold" --prepare "$podman_cmd rmi -a -f >/dev/null 2>&1 || true"
    "$pbuild -t bench:cold $context"
    -n "podman build, cached" --prepare "$pbuild -t bench:cached $context >/dev/null"
    "$pbuild -t bench:cached $context")
else
  echo "podman build does not work here ($(head -c 200 "$work/podman.err" 2>/dev/null)); left out" >&2
  podman_cmd=
fi
# The cached runs need a first build of their own.
"$boxcar" build -q -t bench:cached "$context" >/dev/null
# The image runs and says how much data it got.
[ "$("$boxcar" run --rm bench:cached)" = "$((size_mb * 1048576)) /data/blob" ]

for round in $(seq "$rounds"); do
  hyperfine --runs 1 --export-json "$work/build-$round.json" "${commands[@]}" >/dev/null
done
pool_rounds "$work" build "$rounds"
python3 - "$work/build.json" "$size_mb" "$rounds" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
print(f"five-step build, COPY of {sys.argv[2]} MB, {sys.argv[3]} alternating rounds")
print(f"{'command':26} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
for r in results:
    print(f"{r['command']:26} {r['median'] * 1000:10.1f} {r['min'] * 1000:8.1f} {r['max'] * 1000:8.1f}")
PY
