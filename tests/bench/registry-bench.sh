#!/usr/bin/env bash
# Push and pull of a multi-layer image through boxcar-registry (Glance storage, Keystone
# login) against the same through Debian's docker-registry with filesystem storage, with
# skopeo, interleaved: every round runs the four commands once, in turn.
#   push-glance / push-fs  skopeo copy oci: -> docker:// of an image of SIZE MiB in 4 layers
#                          of random (incompressible) data; before each push the registry
#                          holds nothing (Glance images / storage removed), so every blob moves;
#   pull-glance / pull-fs  skopeo copy docker:// -> a fresh oci: directory.
# Target: boxcar-registry within 1.5x of docker-registry's time on push and on pull.
# Starts its own Keystone + Glance (tests/fixtures/openstack), boxcar-registry and
# docker-registry on free loopback ports in a temporary directory; removes everything at exit.
# pull-glance is served from boxcar-registry's local blob cache (filled by the push, as in use);
# REGISTRY_FLAGS="--blob-cache-bytes 0" measures pulls through Glance's data path instead.
# Usage: [REGISTRY_FLAGS=...] tests/bench/registry-bench.sh [BUILD_DIR] [SIZE_MIB] [ROUNDS]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
size_mib=${2:-200}
rounds=${3:-5}
source "$repo/tests/bench/bench_agent.sh"
bench_requirements registry-bench.sh hyperfine skopeo umoci docker-registry glance-api uwsgi_python3
registry=$build/translator/boxcar-registry
[ -x "$registry" ] || { echo "registry-bench.sh: build the boxcar-registry target" >&2; exit 1; }

work=$(mktemp -d /tmp/registry-bench-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  "$repo/tests/fixtures/openstack/down" "$work/openstack" > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$repo/tests/fixtures/openstack/up" "$work/openstack" > /dev/null
# shellcheck disable=SC1091
source "$work/openstack/env"
"$registry" --port 0 --port-file "$work/glance-port" --keystone-url "$OS_FIXTURE_AUTH_URL" \
  --state-dir "$work/glance-registry" --log-level warn ${REGISTRY_FLAGS:-} > "$work/boxcar-registry.log" 2>&1 &
pids+=($!)
fs_port=$(free_port)
cat > "$work/fs-registry.yml" <<CONF
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $work/fs-storage}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$fs_port}
CONF
docker-registry serve "$work/fs-registry.yml" > "$work/docker-registry.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/glance-port" ] && break; sleep 0.1; done
glance_host=127.0.0.1:$(cut -d= -f2 "$work/glance-port")
fs_host=127.0.0.1:$fs_port
for _ in $(seq 100); do curl -fs "http://$fs_host/v2/" > /dev/null && break; sleep 0.1; done

# The image: 4 layers of SIZE/4 MiB of random files.
per_layer=$(( (size_mib + 3) / 4 ))
mkdir -p "$work/rootfs"
(cd "$work" && umoci init --layout oci && umoci new --image oci:latest) > /dev/null
for i in 1 2 3 4; do
  mkdir -p "$work/layer$i"
  for f in $(seq "$per_layer"); do head -c 1048576 /dev/urandom > "$work/layer$i/f$f"; done
  (cd "$work" && umoci insert --image oci:latest "layer$i" "/layer$i") > /dev/null
  rm -rf "$work/layer$i"
done
(cd "$work" && umoci gc --layout oci)
bytes=$(du -sb "$work/oci/blobs" | cut -f1)

# Empties boxcar-registry: deletes tenant A's registry images in Glance (not timed).
cat > "$work/empty-glance.py" <<PY
import json, urllib.request
def call(method, url, body=None, headers={}):
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    return urllib.request.urlopen(req)
auth = {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "alice",
        "domain": {"name": "Default"}, "password": "alice-secret"}}},
        "scope": {"project": {"name": "tenantA", "domain": {"name": "Default"}}}}}
token = call("POST", "$OS_FIXTURE_AUTH_URL/auth/tokens", json.dumps(auth).encode(),
             {"Content-Type": "application/json"}).headers["X-Subject-Token"]
for kind in ("blob", "manifest"):
    images = json.load(call("GET", "$OS_FIXTURE_GLANCE_URL/v2/images?limit=1000&boxcar_registry_kind=" + kind,
                            headers={"X-Auth-Token": token}))["images"]
    for image in images:
        call("DELETE", "$OS_FIXTURE_GLANCE_URL/v2/images/" + image["id"], headers={"X-Auth-Token": token})
PY
push_glance="skopeo copy -q --dest-tls-verify=false --dest-creds alice:alice-secret oci:$work/oci:latest docker://$glance_host/tenanta/bench:1"
push_fs="skopeo copy -q --dest-tls-verify=false oci:$work/oci:latest docker://$fs_host/tenanta/bench:1"
pull_glance="skopeo copy -q --src-tls-verify=false --src-creds alice:alice-secret docker://$glance_host/tenanta/bench:1 oci:$work/out-glance:latest"
pull_fs="skopeo copy -q --src-tls-verify=false docker://$fs_host/tenanta/bench:1 oci:$work/out-fs:latest"
empty_fs="rm -rf $work/fs-storage/docker/registry/v2/repositories $work/fs-storage/docker/registry/v2/blobs"

# A failed transfer must fail the bench, not be timed.
python3 "$work/empty-glance.py"
$push_glance && $push_fs && $pull_glance && $pull_fs
cmp <(cd "$work/oci/blobs/sha256" && sha256sum -- *) <(cd "$work/out-glance/blobs/sha256" && sha256sum -- *)

for round in $(seq "$rounds"); do
  hyperfine --runs 1 --style basic --export-json "$work/registry-$round.json" \
    --prepare "python3 $work/empty-glance.py; rm -rf /var/lib/containers/cache/blob-info-cache-v1.boltdb; sync" \
    -n push-glance "$push_glance" \
    --prepare "$empty_fs; rm -rf /var/lib/containers/cache/blob-info-cache-v1.boltdb; sync" \
    -n push-fs "$push_fs" \
    --prepare "rm -rf $work/out-glance; sync" -n pull-glance "$pull_glance" \
    --prepare "rm -rf $work/out-fs; sync" -n pull-fs "$pull_fs" > /dev/null
done
pool_rounds "$work" registry "$rounds"
python3 - "$work/registry.json" "$bytes" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
size = int(sys.argv[2])
for name in ("push-glance", "push-fs", "pull-glance", "pull-fs"):
    r = results[name]
    print(f"{name}: median {r['median']:.3f} s (min {r['min']:.3f}, max {r['max']:.3f}), "
          f"{size / r['median'] / 1e6:.0f} MB/s")
for op in ("push", "pull"):
    ratio = results[f"{op}-glance"]["median"] / results[f"{op}-fs"]["median"]
    print(f"{op}: boxcar-registry / docker-registry time {ratio:.2f} (target <= 1.50): "
          f"{'ok' if ratio <= 1.5 else 'ABOVE TARGET'}")
PY
