#!/usr/bin/python3
"""API-to-ACTIVE on a live tests/e2e stack: POST /servers (forced onto one compute host with
availability_zone ZONE:HOST, as admin), then GET /servers/{id} every 0.1 s until ACTIVE;
Boxcar's host and the fake.FakeDriver host interleaved, after one untimed warm-up boot per
host (the image lands in the agent's store). `openstack server create --wait` polls every 5 s
and would hide the difference. Run inside the stack's ctl namespace (openstack-bench.sh).
Without --network: servers with no network (`"networks": "none"`); with --network=ID: first
those, then the same rounds with one port on network ID each (Nova creates and binds it in
Neutron; Boxcar's driver plugs it).
Usage: openstack_bench.py KEYSTONE_URL NOVA_URL IMAGE_ID FLAVOR_ID ROUNDS [--network=ID] ZONE:HOST..."""
import json
import statistics
import sys
import time
import urllib.error
import urllib.request

KURL, NOVA, IMAGE, FLAVOR, ROUNDS = sys.argv[1:6]
HOSTS = [a for a in sys.argv[6:] if not a.startswith("--network=")]
NETWORKS = ["none"] + [a.split("=", 1)[1] for a in sys.argv[6:] if a.startswith("--network=")]


def call(method, url, body=None, token=None):
    req = urllib.request.Request(url, method=method,
                                 data=json.dumps(body).encode() if body else None)
    req.add_header("Content-Type", "application/json")
    req.add_header("OpenStack-API-Version", "compute 2.79")
    if token:
        req.add_header("X-Auth-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            raw = resp.read()
            return resp.status, resp.headers, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        return e.code, e.headers, None


_, headers, _ = call("POST", KURL + "/v3/auth/tokens", {"auth": {"identity": {
    "methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name": "Default"},
                                                   "password": "admin-secret"}}},
    "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}})
TOKEN = headers["X-Subject-Token"]


def boot(host, n, network):
    t0 = time.monotonic()
    status, _, out = call("POST", NOVA + "/servers", {"server": {
        "name": "bench-%s-%d" % (host.split(":")[1], n), "imageRef": IMAGE,
        "flavorRef": FLAVOR, "availability_zone": host,
        "networks": "none" if network == "none" else [{"uuid": network}]}}, TOKEN)
    if status != 202:
        raise RuntimeError("POST /servers on %s: %s" % (host, status))
    server = out["server"]["id"]
    posted = time.monotonic() - t0
    while True:
        _, _, out = call("GET", NOVA + "/servers/" + server, token=TOKEN)
        state = out["server"]["status"]
        if state in ("ACTIVE", "ERROR"):
            break
        if time.monotonic() - t0 > 300:
            raise RuntimeError("server %s on %s still %s after 300 s" % (server, host, state))
        time.sleep(0.1)
    active = time.monotonic() - t0
    call("DELETE", NOVA + "/servers/" + server, token=TOKEN)
    while call("GET", NOVA + "/servers/" + server, token=TOKEN)[0] != 404:
        time.sleep(0.2)
    if state != "ACTIVE":
        raise RuntimeError("server on %s went to ERROR: %s" % (host, out["server"].get("fault")))
    return posted, active


def variant(network):
    what = "no network" if network == "none" else "a port on network " + network
    for host in HOSTS:
        boot(host, 0, network)  # warm-up: the image into the agent's store, the host's first boot
    times = {host: [] for host in HOSTS}
    for n in range(1, int(ROUNDS) + 1):
        for host in HOSTS:
            posted, active = boot(host, n, network)
            times[host].append(active)
            print("%-12s %-10s boot %2d: POST answered %.2f s, ACTIVE after %.2f s" % (
                host, "port" if network != "none" else "no-net", n, posted, active), flush=True)
    print("API-to-ACTIVE with %s:" % what)
    for host in HOSTS:
        print("  %-12s median %.2f s (min %.2f, max %.2f, n=%d)" % (
            host, statistics.median(times[host]), min(times[host]), max(times[host]),
            len(times[host])), flush=True)
    if len(HOSTS) == 2:
        print("  %s - %s: %+.2f s (medians)" % (HOSTS[0], HOSTS[1],
              statistics.median(times[HOSTS[0]]) - statistics.median(times[HOSTS[1]])), flush=True)


for network in NETWORKS:
    variant(network)
