#!/usr/bin/python3
"""A stand-in for Neutron while the stack has no real one (`--nic none` servers only): the
network API answers Nova's reads with empty lists, behind keystonemiddleware like a real
service (401 without a valid token). Usage: neutron_stub.py HOST PORT CONFIG_FILE"""
import json
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

from keystonemiddleware import auth_token

HOST, PORT, CONF = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def app(environ, start_response):
    path = environ["PATH_INFO"].rstrip("/")
    if environ.get("HTTP_X_IDENTITY_STATUS") != "Confirmed":
        start_response("401 Unauthorized", [("Content-Type", "application/json")])
        return [b'{"error": "unauthorized"}']
    kind = path.rsplit("/", 1)[-1].replace("-", "_") if path else ""
    if path in ("", "/v2.0"):
        body = {"resources": []}
    elif kind.startswith("quotas") or "/quotas/" in path:
        body = {"quota": {"port": -1, "network": -1, "subnet": -1, "security_group": -1}}
    elif environ["REQUEST_METHOD"] == "GET" and kind in (
            "ports", "networks", "subnets", "extensions", "floatingips", "security_groups"):
        body = {kind: []}
    else:
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [json.dumps({"NeutronError": {"message": "not in the stub: " + path}}).encode()]
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.requestline, args[1] if len(args) > 1 else ""))


wrapped = auth_token.AuthProtocol(app, {"oslo_config_project": "neutron",
                                        "oslo_config_file": CONF,
                                        "delay_auth_decision": "true"})
make_server(HOST, PORT, wrapped, handler_class=QuietHandler).serve_forever()
