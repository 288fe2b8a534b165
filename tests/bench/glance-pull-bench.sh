#!/usr/bin/env bash
# Pull of a large image from Glance against curl of the same image data, as root, interleaved
# in one hyperfine session:
#   pull  Distribution.Pull of glance://ID (glance-pull-client, as `boxcar image pull` sends it)
#         into a store that does not hold the image: download, sha512 check, blob storage and
#         layer unpacking of a docker-archive of SIZE MiB (4 layers of random, incompressible
#         files); the image is removed and pruned before every run;
#   curl  `curl -o /dev/null` of the same GET /v2/images/ID/file with the same token: the
#         floor (bytes off the wire, nothing kept).
# Target: pull throughput >= 0.8 x curl's. Starts its own agent and its own Keystone + Glance
# (tests/fixtures/openstack) in temporary directories; removes everything at exit.
#
# LINK: `loopback` (default): Glance, the agent and curl on the host's loopback. A tc rate
# (`1gbit`, `100mbit`): Glance and Keystone run in a network namespace of their own and the
# agent and curl in a second one, joined by a veth pair shaped to that rate in both directions
# (tc tbf): the pull against curl over a link of a realistic rate. Both namespaces and the
# veth are the script's own, created inside them and deleted at exit; nothing is added to the
# host's network namespace.
# Usage: tests/bench/glance-pull-bench.sh [BUILD_DIR] [SIZE_MIB] [RUNS] [LINK]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
size_mib=${2:-200}
runs=${3:-5}
link=${4:-loopback}
source "$repo/tests/bench/bench_agent.sh"
bench_requirements glance-pull-bench.sh hyperfine curl glance-api uwsgi_python3 ip tc nsenter
boxcar=$build/agent/boxcar
client=$build/tests/bench/glance-pull-client
[ -x "$client" ] || { echo "glance-pull-bench.sh: build the glance-pull-client target" >&2; exit 1; }

# The shaped link: server namespace (Keystone, Glance) 10.77.0.1 <-> client namespace (agent,
# curl) 10.77.0.2. `in_client` runs a command in the client's namespace (or as it is).
server_ns= client_ns=
in_client() { "$@"; }
if [ "$link" != loopback ]; then
  server_ns=boxcar-gbench-srv-$$
  client_ns=boxcar-gbench-cli-$$
  ip netns add "$server_ns"
  ip netns add "$client_ns"
  ip -n "$server_ns" link add gbench-s type veth peer name gbench-c netns "$client_ns"
  ip -n "$server_ns" addr add 10.77.0.1/24 dev gbench-s
  ip -n "$client_ns" addr add 10.77.0.2/24 dev gbench-c
  for ns in "$server_ns" "$client_ns"; do ip -n "$ns" link set lo up; done
  ip -n "$server_ns" link set gbench-s up
  ip -n "$client_ns" link set gbench-c up
  # A token bucket on each side's egress: the rate both ways, bursts of at most 512 KiB.
  tc -n "$server_ns" qdisc add dev gbench-s root tbf rate "$link" burst 512kb latency 20ms
  tc -n "$client_ns" qdisc add dev gbench-c root tbf rate "$link" burst 512kb latency 20ms
  in_client() { nsenter --net="/run/netns/$client_ns" -- "$@"; }
  export BENCH_AGENT_PREFIX="nsenter --net=/run/netns/$client_ns --"
fi

bench_extra_cleanup() {
  "$repo/tests/fixtures/openstack/down" "$work/openstack" || true
  if [ -n "$server_ns" ]; then
    ip netns del "$server_ns" 2>/dev/null || true
    ip netns del "$client_ns" 2>/dev/null || true
  fi
}
start_bench_agent "$build" boxcar-glance-bench
if [ -n "$server_ns" ]; then
  nsenter --net="/run/netns/$server_ns" -- env OS_FIXTURE_HOST=10.77.0.1 \
    "$repo/tests/fixtures/openstack/up" "$work/openstack" > /dev/null
else
  "$repo/tests/fixtures/openstack/up" "$work/openstack" > /dev/null
fi
# shellcheck disable=SC1091
source "$work/openstack/env"
export OS_AUTH_URL=$OS_FIXTURE_AUTH_URL OS_USERNAME=$OS_FIXTURE_USER_A
export OS_PASSWORD=$OS_FIXTURE_PASSWORD_A OS_PROJECT_NAME=$OS_FIXTURE_PROJECT_A

# The image: 4 layers of SIZE/4 MiB of random files, saved as a docker-archive.
per_layer=$(( (size_mib + 3) / 4 ))
for i in 1 2 3 4; do
  tree=$work/tree$i
  mkdir -p "$tree/layer$i"
  for f in $(seq "$per_layer"); do head -c 1048576 /dev/urandom > "$tree/layer$i/f$f"; done
  tar --numeric-owner --owner=0 --group=0 -C "$tree" -cf "$work/layer$i.tar" .
  rm -rf "$tree"
  "$boxcar" image import -q "$work/layer$i.tar" "glance-bench-l$i:1" > /dev/null
  rm -f "$work/layer$i.tar"
done
# One image of four layers: docker-archives of the four, merged by a small Python step.
for i in 1 2 3 4; do "$boxcar" image save -q --format docker -o "$work/l$i.tar" "glance-bench-l$i:1"; done
python3 - "$work" <<'PY'
import hashlib, io, json, sys, tarfile
work = sys.argv[1]
layers, diff_ids = [], []
for i in range(1, 5):
    with tarfile.open(f"{work}/l{i}.tar") as t:
        manifest = json.load(t.extractfile("manifest.json"))[0]
        layer = t.extractfile(manifest["Layers"][0]).read()
    layers.append(layer)
    diff_ids.append("sha256:" + hashlib.sha256(layer).hexdigest())
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["sh"]},
                     "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
config_name = hashlib.sha256(config).hexdigest() + ".json"
names = [d.split(":")[1] + ".tar" for d in diff_ids]
manifest = json.dumps([{"Config": config_name, "RepoTags": ["glance-bench:1"],
                        "Layers": names}]).encode()
with tarfile.open(f"{work}/image.tar", "w") as out:
    for name, data in [(config_name, config)] + list(zip(names, layers)) + [("manifest.json", manifest)]:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        out.addfile(info, io.BytesIO(data))
PY
rm -f "$work"/l?.tar
for i in 1 2 3 4; do "$boxcar" image rm "glance-bench-l$i:1" > /dev/null; done
"$boxcar" image prune -a > /dev/null

token=$(in_client curl -si -X POST "$OS_AUTH_URL/auth/tokens" -H 'Content-Type: application/json' -d \
  "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"$OS_USERNAME\",\"domain\":{\"name\":\"Default\"},\"password\":\"$OS_PASSWORD\"}}},\"scope\":{\"project\":{\"name\":\"$OS_PROJECT_NAME\",\"domain\":{\"name\":\"Default\"}}}}}" |
  awk -F': ' 'tolower($1)=="x-subject-token"{print $2}' | tr -d '\r')
glance=$OS_FIXTURE_GLANCE_URL
id=$(in_client curl -fs -X POST "$glance/v2/images" -H "X-Auth-Token: $token" -H 'Content-Type: application/json' \
  -d '{"name":"glance-bench","container_format":"docker","disk_format":"raw"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
in_client curl -fs -X PUT "$glance/v2/images/$id/file" -H "X-Auth-Token: $token" \
  -H 'Content-Type: application/octet-stream' -T "$work/image.tar"
bytes=$(stat -c %s "$work/image.tar")
rm -f "$work/image.tar"
echo "image $id: $bytes bytes in Glance (link: $link)"

# A failed pull must fail the bench, not be timed.
"$client" "$BOXCAR_SOCKET" "glance://$id" > /dev/null

hyperfine --runs "$runs" --export-json "$work/glance.json" \
  --prepare "$boxcar image rm glance-bench:1 >/dev/null 2>&1; $boxcar image prune -a >/dev/null; sync" \
  -n pull "$client $BOXCAR_SOCKET glance://$id" \
  -n curl "${BENCH_AGENT_PREFIX:+$BENCH_AGENT_PREFIX }curl -fs -o /dev/null -H 'X-Auth-Token: $token' $glance/v2/images/$id/file"
python3 - "$work/glance.json" "$bytes" "$link" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
size = int(sys.argv[2])
print(f"link: {sys.argv[3]}")
mbps = {name: size / r["median"] / 1e6 for name, r in results.items()}
for name in ("pull", "curl"):
    print(f"{name}: median {results[name]['median']:.3f} s, {mbps[name]:.0f} MB/s")
ratio = mbps["pull"] / mbps["curl"]
print(f"pull / curl throughput: {ratio:.2f} (target >= 0.80): {'ok' if ratio >= 0.8 else 'BELOW TARGET'}")
PY
