"""A real boxcard for one test class: its own temporary --root, socket and cgroup parent (as
tests/integration/agent_harness does), in a network namespace of its own (the bridges and
veths of plugged VIFs never touch the host's network), stopped, killed or restarted by the
test, and everything it made removed at the end (processes in its cgroups, mounts, cgroups,
the namespace, files), also when a test failed midway."""

import itertools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

BOXCARD = os.environ.get('BOXCARD_PATH', '')
SHIM = os.environ.get('BOXCAR_SHIM_PATH', '')
CLI = os.environ.get('BOXCAR_CLI_PATH', '')

_counter = itertools.count()

# Nova's test base poisons these for paths under /sys; the agent's leftovers are checked with
# the real ones, taken before any test starts.
_isdir = os.path.isdir
_listdir = os.listdir
_open = open


def _cgroup_mounts():
    mounts = []
    with _open('/proc/self/mountinfo') as mountinfo:
        for line in mountinfo:
            before, _, after = line.partition(' - ')
            if after.split(' ')[0] in ('cgroup', 'cgroup2'):
                mounts.append(before.split(' ')[4])
    return mounts


class AgentProcess(object):
    def __init__(self):
        self.work_dir = tempfile.mkdtemp(prefix='boxcar-nova-')
        self.root_dir = os.path.join(self.work_dir, 'root')
        self.socket_path = os.path.join(self.work_dir, 'boxcard.sock')
        self.cgroup_parent = 'boxcar-nova-%d-%d' % (os.getpid(), next(_counter))
        self.log_path = os.path.join(self.work_dir, 'agent.log')
        self.netns = 'boxcar-nova-%d-%d' % (os.getpid(), next(_counter))
        subprocess.run(['ip', 'netns', 'add', self.netns], check=True, capture_output=True)
        self.process = None

    def start(self):
        log = open(self.log_path, 'ab')
        # nsenter enters only the network namespace and execs boxcard in place (same pid).
        self.process = subprocess.Popen(
            ['nsenter', '--net=/run/netns/' + self.netns, '--', BOXCARD, '--root', self.root_dir, '--socket', self.socket_path,
             '--cgroup-parent', self.cgroup_parent, '--shim-path', SHIM,
             '--log-level', 'debug'],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError('boxcard exited with %s; log: %s'
                                   % (self.process.returncode, self.log_tail()))
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(self.socket_path)
                return
            except OSError:
                time.sleep(0.02)
            finally:
                probe.close()
        raise RuntimeError('boxcard did not listen within 15 s; log: %s' % self.log_tail())

    def stop(self, kill9=False):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill9 else signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self, kill9=True):
        self.stop(kill9=kill9)
        self.start()

    def cli(self, *args):
        return subprocess.run([CLI, '--socket', self.socket_path] + list(args),
                              capture_output=True, text=True, timeout=120)

    def in_netns(self, command):
        """`command` through sh in the agent's network namespace."""
        return subprocess.run(['ip', 'netns', 'exec', self.netns, 'sh', '-c', command],
                              capture_output=True, text=True, timeout=60)

    def log_tail(self, lines=30):
        try:
            with _open(self.log_path, errors='replace') as log:
                return ''.join(log.readlines()[-lines:])
        except OSError:
            return ''

    def leftover_mounts(self):
        mounts = []
        with _open('/proc/self/mountinfo') as mountinfo:
            for line in mountinfo:
                point = line.split(' ')[4]
                if point.startswith(self.root_dir):
                    mounts.append(point)
        return mounts

    def leftover_cgroups(self):
        found = []
        for mount in _cgroup_mounts():
            parent = os.path.join(mount, self.cgroup_parent)
            if _isdir(parent):
                found += [os.path.join(parent, d) for d in _listdir(parent)
                          if _isdir(os.path.join(parent, d))
                          and not d.startswith('slot-')]
        return found

    def close(self):
        """Removes every container, stops the agent, then whatever is left."""
        if self.process is not None and self.process.poll() is None:
            listed = self.cli('ps', '-a', '-q')
            for container in listed.stdout.split():
                self.cli('rm', '-f', container)
            self.stop()
        for mount in _cgroup_mounts():
            parent = os.path.join(mount, self.cgroup_parent)
            if not _isdir(parent):
                continue
            for child in _listdir(parent):
                procs = os.path.join(parent, child, 'cgroup.procs')
                try:
                    with _open(procs) as pids:
                        for pid in pids.read().split():
                            try:
                                os.kill(int(pid), signal.SIGKILL)
                            except ProcessLookupError:
                                pass
                except OSError:
                    pass
        for mount in sorted(self.leftover_mounts(), reverse=True):
            subprocess.run(['umount', '-l', mount], capture_output=True)
        time.sleep(0.05)
        for mount in _cgroup_mounts():
            parent = os.path.join(mount, self.cgroup_parent)
            if _isdir(parent):
                for child in _listdir(parent):
                    try:
                        os.rmdir(os.path.join(parent, child))
                    except OSError:
                        pass
                try:
                    os.rmdir(parent)
                except OSError:
                    pass
        subprocess.run(['ip', 'netns', 'delete', self.netns], capture_output=True)
        shutil.rmtree(self.work_dir, ignore_errors=True)


class AgentPerTestClass(object):
    """Mixin for unittest classes: one agent for all the tests of the class (`cls.agent`),
    and the busybox docker-archive (`cls.archive`) for the Glance fixture."""

    agent = None
    archive = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import fixture_images
        cls.archive = fixture_images.busybox_docker_archive()
        cls.agent = AgentProcess()
        cls.agent.start()

    @classmethod
    def tearDownClass(cls):
        cls.agent.close()
        super().tearDownClass()
