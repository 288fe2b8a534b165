#!/usr/bin/python3
"""Part of `up`: clouds.yaml for the openstack CLI: clouds tenantA (alice), tenantB (bob) and
admin, compute API 2.79 (`--nic none` needs 2.37+). Usage: clouds.py STACK"""
import sys

S = sys.argv[1]
env = dict(line.rstrip("\n").split("=", 1) for line in open(S + "/identity/env"))
print("clouds:")
for cloud, user, password, project in (
        ("tenantA", env["OS_FIXTURE_USER_A"], env["OS_FIXTURE_PASSWORD_A"], env["OS_FIXTURE_PROJECT_A"]),
        ("tenantB", env["OS_FIXTURE_USER_B"], env["OS_FIXTURE_PASSWORD_B"], env["OS_FIXTURE_PROJECT_B"]),
        ("admin", env["OS_FIXTURE_ADMIN_USER"], env["OS_FIXTURE_ADMIN_PASSWORD"],
         env["OS_FIXTURE_ADMIN_PROJECT"])):
    print(f"""  {cloud}:
    auth:
      auth_url: {env["OS_FIXTURE_AUTH_URL"]}
      username: {user}
      password: {password}
      project_name: {project}
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    identity_api_version: 3
    compute_api_version: '2.79'
    image_api_version: 2""")
