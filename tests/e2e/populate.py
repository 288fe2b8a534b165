#!/usr/bin/python3
"""Part of `up`: on top of tests/fixtures/openstack (Keystone + Glance, tenants A and B), the
service users nova, placement and neutron (roles admin + service on project service: the
service role makes their X-Service-Token count) and the catalog entries of placement, compute
and network. Usage: populate.py KEYSTONE_URL CTL_IP PLACEMENT_PORT NOVA_PORT NEUTRON_PORT"""
import json
import sys
import urllib.request

KURL, IP, PLACEMENT, NOVA, NEUTRON = sys.argv[1:6]


def call(method, path, body=None, token=None):
    req = urllib.request.Request(KURL + path, method=method,
                                 data=json.dumps(body).encode() if body else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    with urllib.request.urlopen(req, timeout=30) as resp:
        raw = resp.read()
        return resp.headers, (json.loads(raw) if raw else None)


headers, _ = call("POST", "/v3/auth/tokens", {"auth": {"identity": {"methods": ["password"],
    "password": {"user": {"name": "admin", "domain": {"name": "Default"},
                          "password": "admin-secret"}}},
    "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}})
admin = headers["X-Subject-Token"]


def find(kind, name):
    _, out = call("GET", f"/v3/{kind}s?name={name}", token=admin)
    return out[kind + "s"][0]["id"]


def create(kind, body):
    _, out = call("POST", f"/v3/{kind}s", {kind: body}, admin)
    return out[kind]["id"]


service_project = find("project", "service")
for role in ("admin", "service"):
    role_id = find("role", role)
    for name in ("nova", "placement", "neutron"):
        try:
            user = find("user", name)
        except IndexError:
            user = create("user", {"name": name, "domain_id": "default",
                                   "password": name + "-secret"})
        call("PUT", f"/v3/projects/{service_project}/users/{user}/roles/{role_id}", token=admin)
for name, kind, url in (("placement", "placement", f"http://{IP}:{PLACEMENT}"),
                        ("nova", "compute", f"http://{IP}:{NOVA}/v2.1"),
                        ("neutron", "network", f"http://{IP}:{NEUTRON}")):
    service = create("service", {"name": name, "type": kind})
    for interface in ("public", "internal", "admin"):
        create("endpoint", {"service_id": service, "interface": interface, "url": url,
                            "region_id": "RegionOne"})
