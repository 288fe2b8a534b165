# Part of `up`: the compute hosts. Each is a network namespace <id>-<host> holding its own
# boxcard (own --root, --socket, --cgroup-parent: its containers' bridges and veths stay in
# that namespace) and its own nova-compute with compute_driver = boxcar.BoxcarDriver,
# installed the way docs/openstack.md tells an operator: deploy/install-nova-driver.sh
# --prefix (here $STACK/prefix) and its launcher boxcar-nova-compute.

install_driver() {
  BOXCAR_BUILD_DIR=$BUILD "$REPO/deploy/install-nova-driver.sh" --prefix "$STACK/prefix" \
    > "$STACK/logs/install-nova-driver.log" 2>&1 || die "deploy/install-nova-driver.sh failed"
}

agent_dir() { echo "$STACK/hosts/$1"; }
agent_socket() { echo "$STACK/hosts/$1/boxcard.sock"; }
cgroup_parent() { echo "$(stack_id)-$1"; }

start_agent() {  # HOST
  local d; d=$(agent_dir "$1")
  mkdir -p "$d/root"
  spawn "boxcard-$1" "$1" "$BUILD/agent/boxcard" --root "$d/root" \
    --socket "$(agent_socket "$1")" --cgroup-parent "$(cgroup_parent "$1")" \
    --shim-path "$BUILD/agent/boxcar-shim" --log-level debug
}

agent_up() { "$BUILD/agent/boxcar" --socket "$(agent_socket "$1")" ps -a; }

start_compute() {  # HOST: nova-compute with the common nova.conf + this host's overlay
  local d; d=$(agent_dir "$1")
  mkdir -p "$d/state" "$d/instances" "$d/lock"
  cat > "$d/compute.conf" <<CONF
[DEFAULT]
host = $1
my_ip = ${HOST_IP[$1]}
compute_driver = boxcar.BoxcarDriver
state_path = $d/state
instances_path = $d/instances
[api_database]
connection =
[database]
connection =
[oslo_concurrency]
lock_path = $d/lock
[boxcar]
agent_socket = $(agent_socket "$1")
CONF
  spawn "nova-compute-$1" "$1" "$STACK/prefix/bin/boxcar-nova-compute" \
    --config-file "$STACK/nova/nova.conf" --config-file "$d/compute.conf"
}

# E2E_FAKE_HOST=1: a third compute host hostF with Nova's fake.FakeDriver on the same stack,
# the floor for tests/bench/openstack-bench.sh, in a namespace of its own (no agent; with
# E2E_NEUTRON=1 Neutron's linuxbridge agent binds its ports, which nothing plugs).
start_fake_compute() {
  local d=$STACK/hosts/hostF
  mkdir -p "$d/state" "$d/instances" "$d/lock"
  cat > "$d/compute.conf" <<CONF
[DEFAULT]
host = hostF
my_ip = ${HOST_IP[hostF]}
compute_driver = fake.FakeDriver
state_path = $d/state
instances_path = $d/instances
[api_database]
connection =
[database]
connection =
[oslo_concurrency]
lock_path = $d/lock
CONF
  spawn nova-compute-hostF hostF "$PY" -c 'import sys; from nova.cmd.compute import main; sys.exit(main())' \
    --config-file "$STACK/nova/nova.conf" --config-file "$d/compute.conf"
}
