# Part of `up` with E2E_NEUTRON=1: a real Neutron (ML2 linuxbridge, flat physnet1, dhcp agent)
# instead of neutron_stub.py, as FACTS.md's recipe: neutron-server and the dhcp agent in ctl
# (the network node), a linuxbridge agent on every node (ctl, hostA, hostB; hostF with
# E2E_FAKE_HOST=1, so that Neutron binds the fake host's ports too) in its namespace.
# The physical network: a bridge br-phys in ctl with one veth per node, whose node end is
# phys0 (physnet1); br-phys holds the upstream gateway 10.99.0.1/24.
PHYS_GW=10.99.0.1

make_physnet() {
  local node
  ip -n "$(ns ctl)" link add br-phys type bridge
  ip -n "$(ns ctl)" addr add "$PHYS_GW/24" dev br-phys
  ip -n "$(ns ctl)" link set br-phys up
  for node in ctl "${NODES[@]}"; do
    ip -n "$(ns ctl)" link add "p-$node" type veth peer name phys0 netns "$(ns "$node")"
    ip -n "$(ns ctl)" link set "p-$node" master br-phys up
    ip -n "$(ns "$node")" link set phys0 up
  done
}

write_neutron_configs() {
  local n=$STACK/neutron
  mkdir -p "$n/rootwrap.d" "$n/state" "$n/lock"
  # Debian's filter knows one privsep-helper form; the agents run it with other config files
  # and contexts (FACTS.md pitfall 3). We are root: rootwrap without sudo.
  printf '[Filters]\nprivsep: CommandFilter, privsep-helper, root\n' > "$n/rootwrap.d/e2e.filters"
  cat > "$n/rootwrap.conf" <<CONF
[DEFAULT]
filters_path = /etc/neutron/rootwrap.d,/usr/share/neutron/rootwrap,$n/rootwrap.d
exec_dirs = /sbin,/usr/sbin,/bin,/usr/bin,/usr/local/bin,/usr/local/sbin
use_syslog = False
CONF
  {
    cat <<CONF
[DEFAULT]
core_plugin = ml2
service_plugins =
auth_strategy = keystone
transport_url = rabbit://guest:guest@$CTL_IP:5672/
bind_host = $CTL_IP
bind_port = $NEUTRON_PORT
api_paste_config = /etc/neutron/api-paste.ini
state_path = $n/state
api_workers = 1
rpc_workers = 1
notify_nova_on_port_status_changes = true
notify_nova_on_port_data_changes = true
[database]
connection = $(db_url neutron)
[oslo_concurrency]
lock_path = $n/lock
[oslo_policy]
policy_dirs = $STACK/policy.d
[experimental]
linuxbridge = True
[agent]
root_helper = neutron-rootwrap $n/rootwrap.conf
[ml2]
type_drivers = flat
tenant_network_types =
mechanism_drivers = linuxbridge
extension_drivers = port_security
[ml2_type_flat]
flat_networks = physnet1
[securitygroup]
enable_security_group = true
firewall_driver = iptables
[linux_bridge]
physical_interface_mappings = physnet1:phys0
[vxlan]
enable_vxlan = false
[dhcp]
CONF
    authtoken_section keystone_authtoken neutron
    echo "service_token_roles_required = true"
    authtoken_section nova nova
  } > "$n/neutron.conf"
  # dnsmasq drops to user nobody by default, who cannot read its host file under $STACK (mode
  # 700 from mktemp): it then answers every DHCPDISCOVER "no address available". user=root
  # keeps it root (as the agent is). Its log (--log-dhcp) goes to $STACK/logs/dnsmasq/<net>/.
  printf 'user=root\n' > "$n/dnsmasq.conf"
  mkdir -p "$STACK/logs/dnsmasq"
  cat > "$n/dhcp_agent.ini" <<CONF
[DEFAULT]
interface_driver = linuxbridge
dhcp_driver = neutron.agent.linux.dhcp.Dnsmasq
enable_isolated_metadata = false
dnsmasq_config_file = $n/dnsmasq.conf
dnsmasq_base_log_dir = $STACK/logs/dnsmasq
CONF
}

start_neutron() {
  local n=$STACK/neutron node
  mariadb --no-defaults --socket="$STACK/mysql/mysql.sock" -uroot -e 'CREATE DATABASE neutron'
  neutron-db-manage --config-file "$n/neutron.conf" upgrade heads > "$STACK/logs/neutron-db-manage.log" 2>&1 ||
    die "neutron-db-manage upgrade heads failed"
  spawn neutron-server ctl neutron-server --config-file "$n/neutron.conf"
  for node in ctl "${NODES[@]}"; do printf '[DEFAULT]\nhost = %s\n' "$node" > "$n/host-$node.conf"; done
  spawn_with_sysfs neutron-dhcp-agent ctl neutron-dhcp-agent --config-file "$n/neutron.conf" \
    --config-file "$n/dhcp_agent.ini" --config-file "$n/host-ctl.conf"
  for node in ctl "${NODES[@]}"; do
    spawn_with_sysfs "neutron-linuxbridge-agent-$node" "$node" neutron-linuxbridge-agent \
      --config-file "$n/neutron.conf" --config-file "$n/host-$node.conf"
  done
}

# Every agent (a linuxbridge agent per node, the dhcp agent) reports alive.
neutron_agents_alive() {
  [ "$("$E2E_DIR/cli" "$STACK" admin network agent list -f value -c Alive 2>/dev/null |
       grep -c True)" = $(( ${#NODES[@]} + 2 )) ]
}
