# Part of `up`: the control plane, all inside <id>-ctl: mariadb (unix socket only), rabbitmq,
# Keystone + glance-api (tests/fixtures/openstack with tenants A and B), placement, the network
# endpoint, nova-api, nova-conductor, nova-scheduler. Every service authenticates through
# Keystone with its own service user; nothing runs with noauth.
PLACEMENT_PORT=8778
NOVA_PORT=8774
NEUTRON_PORT=9696

db_url() { echo "mysql+pymysql://root@localhost/$1?unix_socket=$STACK/mysql/mysql.sock"; }

start_mariadb() {
  mkdir -p "$STACK/mysql"
  mariadb-install-db --no-defaults --datadir="$STACK/mysql/data" --user=root \
    --auth-root-authentication-method=normal --skip-test-db > "$STACK/logs/mariadb-install.log" 2>&1 ||
    die "mariadb-install-db failed"
  spawn mariadb ctl mariadbd --no-defaults --datadir="$STACK/mysql/data" --user=root \
    --socket="$STACK/mysql/mysql.sock" --pid-file="$STACK/mysql/mariadb.pid" --skip-networking \
    --innodb-buffer-pool-size=64M --max-connections=500
  wait_for mariadb 60 mariadb --no-defaults --socket="$STACK/mysql/mysql.sock" -uroot -e 'SELECT 1'
  mariadb --no-defaults --socket="$STACK/mysql/mysql.sock" -uroot -e \
    'CREATE DATABASE nova_api; CREATE DATABASE nova; CREATE DATABASE nova_cell0; CREATE DATABASE placement;'
}

start_rabbitmq() {
  local r=$STACK/rabbitmq
  mkdir -p "$r/mnesia" "$r/log"
  printf 'loopback_users = none\nlisteners.tcp.default = 5672\n' > "$r/rabbitmq.conf"
  echo '[].' > "$r/enabled_plugins"
  spawn rabbitmq ctl env HOME="$r" RABBITMQ_NODENAME=e2e@localhost \
    RABBITMQ_CONFIG_FILE="$r/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$r/enabled_plugins" \
    RABBITMQ_MNESIA_BASE="$r/mnesia" RABBITMQ_LOG_BASE="$r/log" RABBITMQ_PID_FILE="$r/pid" \
    /usr/lib/rabbitmq/bin/rabbitmq-server
}

# Keystone + Glance: the fixture the Glance tests use, on the management address.
start_identity() {
  in_ns ctl env OS_FIXTURE_HOST="$CTL_IP" "$REPO/tests/fixtures/openstack/up" "$STACK/identity" \
    > "$STACK/logs/identity-up.log" 2>&1 || die "Keystone + Glance (tests/fixtures/openstack/up) failed"
  # shellcheck disable=SC1091
  . "$STACK/identity/env"
  KEYSTONE_URL=${OS_FIXTURE_AUTH_URL%/v3}
  in_ns ctl "$PY" "$E2E_DIR/populate.py" "$KEYSTONE_URL" "$CTL_IP" "$PLACEMENT_PORT" "$NOVA_PORT" \
    "$NEUTRON_PORT" > "$STACK/logs/populate.log" 2>&1 || die "service users and catalog failed"
}

authtoken_section() {  # SECTION USER: password auth as a service user of project service
  cat <<CONF
[$1]
auth_type = password
auth_url = $KEYSTONE_URL
www_authenticate_uri = $KEYSTONE_URL
user_domain_name = Default
project_domain_name = Default
project_name = service
username = $2
password = $2-secret
region_name = RegionOne
CONF
}

write_configs() {
  mkdir -p "$STACK/nova" "$STACK/placement" "$STACK/neutron" "$STACK/policy.d"
  {
    cat <<CONF
[DEFAULT]
host = ctl
transport_url = rabbit://guest:guest@$CTL_IP:5672/
my_ip = $CTL_IP
state_path = $STACK/nova/state
periodic_fuzzy_delay = 0
default_schedule_zone = nova
graceful_shutdown_timeout = 5
enabled_apis = osapi_compute
# scenario-migrate resizes a server on its own host.
allow_resize_to_same_host = true
osapi_compute_listen = $CTL_IP
osapi_compute_listen_port = $NOVA_PORT
osapi_compute_workers = 1
[api]
auth_strategy = keystone
[wsgi]
api_paste_config = /var/cache/boxcar-deps/nova-common/api-paste.ini
[api_database]
connection = $(db_url nova_api)
[database]
connection = $(db_url nova)
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 2
[filter_scheduler]
# Nova 26's defaults without AvailabilityZoneFilter: placement's zone pre-filter does not
# restrict the default zone (nova, no aggregate), so boots could land on E2E_FAKE_HOST's hostF
# (zone bench). The filter keeps hosts of another zone out of it.
enabled_filters = AvailabilityZoneFilter,ComputeFilter,ComputeCapabilitiesFilter,ImagePropertiesFilter,ServerGroupAntiAffinityFilter,ServerGroupAffinityFilter
[oslo_concurrency]
lock_path = $STACK/nova/lock
[oslo_policy]
policy_dirs = $STACK/policy.d
[service_user]
send_service_user_token = true
CONF
    authtoken_section service_user nova | tail -n +2
    authtoken_section keystone_authtoken nova
    echo "service_token_roles_required = true"
    authtoken_section placement placement
    authtoken_section neutron neutron
    echo "[cinder]"; echo "os_region_name = RegionOne"
  } > "$STACK/nova/nova.conf"
  {
    cat <<CONF
[api]
auth_strategy = keystone
[placement_database]
connection = $(db_url placement)
sync_on_startup = true
[oslo_policy]
policy_dirs = $STACK/policy.d
CONF
    authtoken_section keystone_authtoken placement
  } > "$STACK/placement/placement.conf"
  authtoken_section keystone_authtoken neutron > "$STACK/neutron/stub.conf"
  printf 'from placement.wsgi import init_application\napplication = init_application()\n' \
    > "$STACK/placement/app.py"
  cat > "$STACK/placement/uwsgi.ini" <<CONF
[uwsgi]
http-socket = $CTL_IP:$PLACEMENT_PORT
wsgi-file = $STACK/placement/app.py
master = true
processes = 1
threads = 4
env = OS_PLACEMENT_CONFIG_DIR=$STACK/placement
env = LC_ALL=C.UTF-8
add-header = Connection: close
die-on-term = true
CONF
}

# nova-manage's four steps in order (each ~3 s of imports, far more under load), with a
# config of their own that needs only the databases: they run while Keystone comes up.
init_nova_dbs() {
  mkdir -p "$STACK/nova"
  printf '[api_database]\nconnection = %s\n[database]\nconnection = %s\n' \
    "$(db_url nova_api)" "$(db_url nova)" > "$STACK/nova/manage.conf"
  local manage=(/usr/bin/python3 -c 'import sys; from nova.cmd.manage import main; sys.exit(main())'
                --config-file "$STACK/nova/manage.conf")
  {
    "${manage[@]}" api_db sync &&
    "${manage[@]}" cell_v2 map_cell0 --database_connection "$(db_url nova_cell0)" &&
    "${manage[@]}" cell_v2 create_cell --name cell1 &&
    "${manage[@]}" db sync
  } > "$STACK/logs/nova-manage.log" 2>&1
}

nova_service() {  # NAME: nova.cmd.NAME in ctl with the common nova.conf
  spawn "nova-$1" ctl "$PY" -c "import sys; from nova.cmd.$1 import main; sys.exit(main())" \
    --config-file "$STACK/nova/nova.conf"
}

start_control_plane() {
  spawn placement ctl uwsgi_python3 --ini "$STACK/placement/uwsgi.ini"
  if [ "${E2E_NEUTRON:-0}" = 1 ]; then
    start_neutron
  else
    spawn neutron-stub ctl "$PY" "$E2E_DIR/neutron_stub.py" "$CTL_IP" "$NEUTRON_PORT" \
      "$STACK/neutron/stub.conf"
  fi
  nova_service conductor
  nova_service scheduler
  nova_service api
}
