# Part of `up`: the namespaces of the stack and the management network between them (a bridge
# br-mgmt in <id>-ctl, one veth to each compute node). Nothing is created in the host's own
# network namespace: each veth is made inside ctl with its peer moved straight into the host.
make_namespaces() {
  local host
  ip netns add "$(ns ctl)"
  ip -n "$(ns ctl)" link set lo up
  ip -n "$(ns ctl)" link add br-mgmt type bridge
  ip -n "$(ns ctl)" addr add "$CTL_IP/24" dev br-mgmt
  ip -n "$(ns ctl)" link set br-mgmt up
  for host in "${NODES[@]}"; do
    ip netns add "$(ns "$host")"
    ip -n "$(ns "$host")" link set lo up
    ip -n "$(ns ctl)" link add "m-$host" type veth peer name mgmt0 netns "$(ns "$host")"
    ip -n "$(ns ctl)" link set "m-$host" master br-mgmt up
    ip -n "$(ns "$host")" addr add "${HOST_IP[$host]}/24" dev mgmt0
    ip -n "$(ns "$host")" link set mgmt0 up
  done
}
