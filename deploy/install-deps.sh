#!/usr/bin/env bash
# Installs every Debian 12 package that Boxcar's build, tests, benchmarks and demo need.
# Idempotent: packages already present are skipped by apt.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "install-deps.sh: run as root (sudo $0)" >&2; exit 1; }

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config clang-format git
  # libraries the code links against
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  rapidjson-dev libarchive-dev libssl-dev libcurl4-openssl-dev libsqlite3-dev
  # ISA-L: igzip inflates gzip layers several times faster than zlib
  libisal-dev
  libspdlog-dev libfmt-dev libcli11-dev libboost-dev libseccomp-dev libcap-dev
  # clouds.yaml for glance:// (the CLI; linked statically into it)
  libyaml-cpp-dev
  lxc-dev liblxc1 lxc libvirt-dev
  # the libvirt backend: libvirtd with only its LXC driver loaded (tests start a private one), virsh
  libvirt-daemon libvirt-daemon-driver-lxc libvirt-clients
  # container networking: netlink (bridge, veth, addresses, routes), nftables (NAT, ports) and
  # conntrack (the NAT entries of unpublished ports); the conntrack CLI for the tests' checks
  libnl-3-dev libnl-route-3-dev libnftables-dev nftables libnetfilter-conntrack-dev conntrack
  # CNI networks: the standard plugins (/usr/lib/cni) and the iptables they run; netavark for
  # the network benchmark's podman comparison
  containernetworking-plugins iptables netavark aardvark-dns
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  busybox-static util-linux iproute2 procps psmisc hyperfine sqlite3 python3 file
  # docker run --init: tini-static is the init boxcard binds into such containers
  tini
  gzip zstd xz-utils
  # the pull bench's floor row: igzip (ISA-L) gunzips as the agent does, jq reads the manifest
  isal jq
  # image interop tools
  skopeo umoci runc podman containerd buildah
  # Docker Engine (dockerd + docker CLI at /usr/bin) for the registry's `docker login/push/pull`
  # test, which starts its own dockerd; nothing autostarts it (no systemd on these machines)
  docker.io
  # Registry v2 tests: the reference registry, htpasswd, a token service (JWT) and a test CA
  docker-registry apache2-utils openssl python3-cryptography
  # glance:// over TLS: socat terminates TLS in front of the test Keystone and glance-api
  socat
  # the Nova compute driver: its Python module, and Nova's own test suites it runs against
  pybind11-dev python3-dev python3-nova python3-oslotest python3-stestr python3-testtools
  python3-requests-mock python3-wsgi-intercept python3-placement
  # OpenStack fixture (tests/fixtures/openstack): real Keystone under uwsgi + glance-api
  keystone glance-api python3-glanceclient python3-openstackclient uwsgi-plugin-python3 curl
  # OpenStack end to end (tests/e2e): the rest of a real cloud on one machine
  rabbitmq-server mariadb-server mariadb-client python3-pymysql python3-osc-placement
  neutron-server neutron-linuxbridge-agent neutron-dhcp-agent python3-neutron
  dnsmasq-base ebtables iptables
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=900 update -qq
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}"
fi
# Nova's in-process API needs api-paste.ini, which python3-nova lacks; nova-common has it, but
# installing nova-common would also install policy files and a nova user: take the one file.
paste=/var/cache/boxcar-deps/nova-common/api-paste.ini
if [ ! -s "$paste" ]; then
  work=$(mktemp -d)
  chmod 0755 "$work"  # apt downloads as _apt
  (cd "$work" && apt-get -o DPkg::Lock::Timeout=900 download -qq nova-common &&
   dpkg-deb -x nova-common_*.deb extracted)
  install -D -m 0644 "$work/extracted/usr/share/nova-common/api-paste.ini" "$paste"
  rm -rf "$work"
fi
# uidmap (a dependency of buildah and podman) makes liblxc map user namespaces through
# newuidmap/newgidmap, which allow root only the blocks /etc/subuid and /etc/subgid give it:
# give root the block Boxcar's --userns-range uses (the tests' 1000000:65536 included).
for ids in /etc/subuid /etc/subgid; do
  grep -qs '^root:1000000:' "$ids" || echo 'root:1000000:1000000000' >> "$ids"
done
echo "install-deps.sh: all ${#packages[@]} packages present"
