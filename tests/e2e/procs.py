#!/usr/bin/python3
"""The processes of a stack made by `up`: every process in one of its network namespaces
(<id>-ctl, <id>-hostA, ...; the agents' container shims and payloads live in namespaces of
their own and are left out), in a process group `spawn` recorded (STACK/pids,
STACK/identity/pids), or in the private mount namespace of one of those (what Neutron's agents
start through `ip netns exec`: privsep daemons, dnsmasq in its qdhcp-* namespace).
Zombies are skipped.

Usage: procs.py STACK memory   one line: "memory: N processes, RSS X MiB, PSS Y MiB" and the
                               five largest by RSS
       procs.py STACK list     "PID NAME" per process (for `down`: what is still alive)"""
import os
import sys

STACK, MODE = sys.argv[1], sys.argv[2]


def ns_inode(path):
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def link(pid, what):
    try:
        return os.readlink("/proc/%s/ns/%s" % (pid, what))
    except OSError:
        return None


def stat_fields(pid):
    """(name, state, pgid) from /proc/PID/stat (the name may hold spaces and parentheses)."""
    with open("/proc/%s/stat" % pid) as f:
        raw = f.read()
    name = raw[raw.index("(") + 1:raw.rindex(")")]
    rest = raw[raw.rindex(")") + 2:].split()
    return name, rest[0], int(rest[2])


def recorded_pgids():
    pgids = set()
    for path in (STACK + "/pids", STACK + "/identity/pids"):
        try:
            with open(path) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) >= 2 and parts[1].isdigit():
                        pgids.add(int(parts[1]))
        except OSError:
            pass
    return pgids


def stack_processes():
    try:
        with open(STACK + "/id") as f:
            sid = f.read().strip()
    except OSError:
        return []
    netns = set()
    if os.path.isdir("/run/netns"):
        for name in os.listdir("/run/netns"):
            if name.startswith(sid + "-"):
                ino = ns_inode("/run/netns/" + name)
                if ino:
                    netns.add("net:[%d]" % ino)
    pgids = recorded_pgids()
    own_mnt = link("self", "mnt")
    procs = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            name, state, pgid = stat_fields(pid)
        except (OSError, ValueError, IndexError):
            continue
        if state == "Z":
            continue
        procs[int(pid)] = (name, pgid, link(pid, "net"), link(pid, "mnt"))
    # The mount namespaces of recorded processes, other than ours (spawn keeps ours).
    private_mnt = {mnt for (_, pgid, _, mnt) in procs.values()
                   if pgid in pgids and mnt and mnt != own_mnt}
    return sorted((pid, name) for pid, (name, pgid, net, mnt) in procs.items()
                  if pgid in pgids or (net in netns) or (mnt in private_mnt))


def label(pid, name):
    """A readable name: nova-compute for `python3 -c '... nova.cmd.compute ...'`, the script's
    name for `python3 SCRIPT`, else the program's."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            argv = f.read().decode(errors="replace").split("\0")
    except OSError:
        return name
    if argv and " " in argv[0]:  # a process title (setproctitle): "neutron-server: api worker (...)"
        return argv[0].split()[0].rstrip(":")
    prog = os.path.basename(argv[0]) if argv and argv[0] else name
    if prog.startswith("python") and len(argv) > 2:
        if argv[1] == "-c" and "nova.cmd." in argv[2]:
            return "nova-" + argv[2].split("nova.cmd.")[1].split()[0]
        return os.path.basename(argv[1])
    return prog.split(":")[0]


def memory_kib(pid):
    """(RSS, PSS) in KiB from /proc/PID/smaps_rollup; (0, 0) when the process is gone."""
    rss = pss = 0
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


procs = stack_processes()
if MODE == "list":
    for pid, name in procs:
        print(pid, name)
elif MODE == "memory":
    sizes = [(memory_kib(pid), pid, label(pid, name)) for pid, name in procs]
    rss = sum(s[0][0] for s in sizes)
    pss = sum(s[0][1] for s in sizes)
    print("memory: %d processes, RSS %.0f MiB, PSS %.0f MiB" % (len(sizes), rss / 1024, pss / 1024))
    by_name = {}
    for (r, _), _, name in sizes:
        by_name[name] = by_name.get(name, 0) + r
    top = sorted(by_name.items(), key=lambda kv: -kv[1])[:6]
    print("  largest (RSS by name): " + ", ".join("%s %.0f" % (n, r / 1024) for n, r in top))
else:
    sys.exit("usage: procs.py STACK memory|list")
