#!/usr/bin/env bash
# The libvirt backend against a bare libvirt LXC domain, and against the lxc and chroot
# backends, as root, interleaved in one hyperfine session:
#   boxcar run --rm --backend libvirt busybox true
#   virsh create of an equivalent domain XML (same busybox rootfs, init /bin/true, <privnet/>,
#     a pty console, memory) and the wait for its end (`virsh event` for the domain's stop;
#     a domain already gone counts as ended)
#   boxcar run --rm --backend lxc / --backend chroot busybox true
# Starts its own agent and a private libvirtd (only its LXC driver, in a mount namespace
# without the hybrid host's cgroup2 mount, a slave of the agent's --root so it sees the
# snapshots; see docs/libvirt.md), and removes everything afterwards: the domains' state in
# /run/libvirt and /var/log/libvirt, libvirt's "machine" cgroups, the temporary directory.
# Usage: tests/bench/run-libvirt-bench.sh [BUILD_DIR] [RUNS]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
runs=${2:-50}
source "$repo/tests/bench/bench_agent.sh"
bench_requirements run-libvirt-bench.sh hyperfine libvirtd virsh unshare

run_libvirt_existed=$([ -e /run/libvirt ] && echo yes || echo no)
log_libvirt_existed=$([ -e /var/log/libvirt ] && echo yes || echo no)
machine_existed=$(ls -d /sys/fs/cgroup/*/machine 2>/dev/null || true)
bench_extra_cleanup() {
  if [ -s "$work/libvirtd/libvirtd.pid" ]; then
    local pid
    pid=$(cat "$work/libvirtd/libvirtd.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  fi
  rm -rf /run/libvirt/lxc/boxcar-* /run/libvirt/lxc/bench-* /var/log/libvirt/lxc/boxcar-* \
    /var/log/libvirt/lxc/bench-*
  [ "$run_libvirt_existed" = no ] && rm -rf /run/libvirt
  [ "$log_libvirt_existed" = no ] && rm -rf /var/log/libvirt
  [ -z "$machine_existed" ] && for d in /sys/fs/cgroup/*/machine; do [ -d "$d" ] && rmdir "$d"; done
  mountpoint -q "$work" && umount -l "$work"
  return 0
}
libvirtd_dir_for_agent=$(mktemp -u /tmp/boxcar-libvirt-bench-sock-XXXXXX)
start_bench_agent "$build" boxcar-libvirt-bench --libvirt-uri "lxc:///system?socket=$libvirtd_dir_for_agent/libvirt-sock"
# The snapshots the agent mounts from now on reach libvirtd's namespace (a slave of this one).
mount --bind "$work" "$work" && mount --make-shared "$work"
mkdir -p "$work/libvirtd/drivers" "$libvirtd_dir_for_agent"
lv=$work/libvirtd
ln -sf /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_lxc.so "$lv/drivers/"
cat >"$lv/libvirtd.conf" <<EOF
log_level = 3
log_outputs = "3:file:$lv/libvirtd.log"
auth_unix_rw = "none"
auth_unix_ro = "none"
unix_sock_dir = "$libvirtd_dir_for_agent"
EOF
unshare -m --propagation slave sh -c "umount /sys/fs/cgroup/unified 2>/dev/null; \
  LIBVIRT_DRIVER_DIR=$lv/drivers exec libvirtd -d -f $lv/libvirtd.conf -p $lv/libvirtd.pid"
uri="lxc:///system?socket=$libvirtd_dir_for_agent/libvirt-sock"
for _ in $(seq 200); do virsh -q -c "$uri" version >/dev/null 2>&1 && break; sleep 0.05; done
trap 'stop_bench_agent; rm -rf "$libvirtd_dir_for_agent"' EXIT

rootfs=$work/rootfs
mkdir -p "$rootfs" && tar -xf "$build/images/busybox-rootfs.tar" -C "$rootfs"
cat >"$work/bench.xml" <<EOF
<domain type='lxc'>
  <name>bench-true</name>
  <memory unit='MiB'>1024</memory>
  <os><type>exe</type><init>/bin/true</init></os>
  <features><privnet/></features>
  <devices>
    <filesystem type='mount'><source dir='$rootfs'/><target dir='/'/></filesystem>
    <console type='pty'/>
  </devices>
</domain>
EOF
cat >"$work/virsh-create-wait.sh" <<EOF
#!/bin/sh
virsh -q -c '$uri' create '$work/bench.xml' >/dev/null
virsh -q -c '$uri' event --domain bench-true --event lifecycle --timeout 10 >/dev/null 2>&1 || true
while virsh -q -c '$uri' domid bench-true >/dev/null 2>&1; do sleep 0.01; done
EOF
chmod +x "$work/virsh-create-wait.sh"

boxcar=$build/agent/boxcar
"$boxcar" run --rm --backend libvirt busybox true || { echo "libvirt backend does not run: $("$boxcar" info)" >&2; exit 1; }
names=("boxcar run --rm --backend libvirt" "virsh create + wait (same rootfs)"
       "boxcar run --rm --backend lxc" "boxcar run --rm --backend chroot")
commands=("$boxcar run --rm --backend libvirt busybox true" "$work/virsh-create-wait.sh"
          "$boxcar run --rm --backend lxc busybox true" "$boxcar run --rm --backend chroot busybox true")
args=()
for i in "${!commands[@]}"; do args+=(-n "${names[$i]}" "${commands[$i]}"); done
# Interleaved: rounds of every command in turn, pooled, so drifting load hits all alike.
rounds=5
per_round=$(( (runs + rounds - 1) / rounds ))
for round in $(seq $rounds); do
  hyperfine -N --warmup 2 --runs "$per_round" --export-json "$work/run-$round.json" "${args[@]}" >/dev/null
done
pool_rounds "$work" run "$rounds"
python3 - "$work/run.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
print(f"{'command':36} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
for r in results:
    print(f"{r['command']:36} {r['median']*1000:10.2f} {r['min']*1000:8.2f} {r['max']*1000:8.2f}")
bare = next(r["median"] for r in results if r["command"].startswith("virsh"))
ours = next(r["median"] for r in results if "libvirt" in r["command"])
print(f"libvirt backend / bare virsh create: {ours / bare:.2f}x (target <= 1.5x)")
PY
