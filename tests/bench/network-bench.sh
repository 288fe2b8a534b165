#!/usr/bin/env bash
# What networking adds to a start, as root: `boxcar run --rm busybox true` on a bridge network
# (veth, address, route, hosts files; -p adds a published port) against --network none, and
# podman with netavark when it is installed, in alternating hyperfine rounds. Everything runs
# inside a network namespace this script makes (the agent via nsenter --net, podman likewise):
# bridges, veths and the nftables table live and die there, the host's network is untouched.
# Target (issue 17): the bridge network adds <= 3 ms. Also interleaved: a CNI network of the
# Debian plugins (bridge + host-local + portmap + firewall, /usr/lib/cni) when they are there.
# Then CONCURRENT (default 100) containers with a network started at once (run -d), timed to
# the last one running, and removed.
# Usage: tests/bench/network-bench.sh [BUILD_DIR] [RUNS] [CONCURRENT]
#   (tiny: BENCH_ROUNDS=2 tests/bench/network-bench.sh build 6 5)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
runs=${2:-200}
concurrent=${3:-100}
source "$repo/tests/bench/bench_agent.sh"
bench_requirements network-bench.sh hyperfine nsenter ip

ns=boxcar-netbench-$$
ip netns add "$ns"
ip -n "$ns" link set lo up
BENCH_AGENT_PREFIX="nsenter --net=/run/netns/$ns --" start_bench_agent "$build" boxcar-netbench
# After the agent is gone (start_bench_agent's trap), the namespace and all it holds.
trap 'stop_bench_agent; ip netns pids "$ns" 2>/dev/null | xargs -r kill -9; ip netns del "$ns" 2>/dev/null || true' EXIT
cli=$build/agent/boxcar
"$cli" network create benchnet --subnet 10.231.0.0/24 >/dev/null
# The first start on a network makes its bridge and the nftables table: not part of the figure.
"$cli" run --rm --network benchnet busybox true
cni=0
if [ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/portmap ] && [ -x /usr/lib/cni/firewall ]; then
  cni=1
  cat >"$work/cnibench.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "cnibench", "plugins": [
  {"type": "bridge", "bridge": "bxb-cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$work/ipam", "ranges": [[{"subnet": "10.232.0.0/24"}]],
            "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "portmap", "capabilities": {"portMappings": true}},
  {"type": "firewall", "backend": "iptables"}]}
EOF
  "$cli" network create cnibench --cni-conflist "$work/cnibench.conflist" >/dev/null
  "$cli" run --rm --network cnibench busybox true
fi

commands=(
  "$cli run --rm --network none busybox true"
  "$cli run --rm --network benchnet busybox true"
  "$cli run --rm --network benchnet -p 80 busybox true"
)
names=("network none" "bridge network" "bridge network + published port")
if [ "$cni" = 1 ]; then
  commands+=("$cli run --rm --network cnibench busybox true"
             "$cli run --rm --network cnibench -p 80 busybox true")
  names+=("CNI bridge conflist" "CNI bridge conflist + published port")
fi
netavark=""
for candidate in /usr/lib/podman/netavark /usr/libexec/podman/netavark "$(command -v netavark || true)"; do
  [ -x "$candidate" ] && { netavark=$candidate; break; }
done
if command -v podman >/dev/null && [ -n "$netavark" ]; then
  # podman of its own (storage, run root, netavark config) with the same busybox; its default
  # rlimits are above this machine's hard limits, so lower ones are asked for.
  printf '[network]\nnetwork_backend = "netavark"\nnetwork_config_dir = "%s"\n[engine]\nnetwork_cmd_path = "%s"\n' \
    "$work/podman-net" "$netavark" >"$work/containers.conf"
  podman="CONTAINERS_CONF=$work/containers.conf podman --root $work/podman-root --runroot $work/podman-run --storage-driver vfs --events-backend none --cgroup-manager cgroupfs"
  prun="nsenter --net=/run/netns/$ns -- env $podman run --rm --network bridge --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 busybox true"
  "$cli" image save --format docker -o "$work/busybox-docker.tar" busybox
  if env $podman load -q -i "$work/busybox-docker.tar" >/dev/null 2>&1 && $prun; then
    commands+=("$prun")
    names+=("podman run --rm --network bridge (netavark)")
  else
    echo "podman with netavark does not run here: left out" >&2
  fi
fi
args=()
for i in "${!commands[@]}"; do args+=(-n "${names[$i]}" "${commands[$i]}"); done
rounds=${BENCH_ROUNDS:-10}
per_round=$(( (runs + rounds - 1) / rounds ))
for round in $(seq "$rounds"); do
  hyperfine -N --warmup 2 --runs "$per_round" --export-json "$work/net-$round.json" "${args[@]}" \
    >/dev/null 2>&1
done
pool_rounds "$work" net "$rounds"
python3 - "$work" <<'PY'
import json, statistics, sys
results = json.load(open(f"{sys.argv[1]}/net.json"))["results"]
base = results[0]["median"]
for r in results:
    print(f"{r['command'].split(' busybox')[0][-60:]:<62} median {r['median']*1000:7.2f} ms"
          f"  (+{(r['median']-base)*1000:6.2f} ms over none, {len(r['times'])} runs)")
PY
start=$(date +%s%N)
pids=()
for i in $(seq "$concurrent"); do
  "$cli" run -d --network benchnet busybox sleep 30 >"$work/concurrent-$i.id" 2>&1 &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
end=$(date +%s%N)
echo "$concurrent concurrent run -d on the bridge network: $(( (end - start) / 1000000 )) ms, $failed failed"
"$cli" ps -aq | xargs -r "$cli" rm -f >/dev/null
sleep 1  # the kernel deletes the veths with their namespaces, asynchronously
leases=$(sqlite3 "$work/root/state.db" 'SELECT count(*) FROM network_leases')
veths=$(ip -n "$ns" -o link show type veth | grep -cE ': (bx|veth)' || true)
cni_left=$(ls "$work/root/cni/results" 2>/dev/null | wc -l)
cni_leases=$(ls "$work"/ipam/*/ 2>/dev/null | grep -c '^10\.' || true)
cni_chains=$(ip netns exec "$ns" iptables-save 2>/dev/null | grep -cE 'CNI-DN-|^:CNI-[0-9a-f]{24} ' || true)
echo "left after the runs: $leases leases, $veths veths; CNI: $cni_left cached results, $cni_leases leases, $cni_chains per-container chains"
