"""Benchmarks of the Nova driver (run by nova-bench.sh, as root, after a build):

1. The driver's spawn with the image cached in the agent: resolve_image + spawn of the C++
   driver (what BoxcarDriver.spawn does after turning Nova objects into dicts), each followed
   by an untimed destroy. Target: <= 100 ms.
2. Boot-to-ACTIVE in Nova's in-process functional harness: POST /servers until the first GET
   that shows ACTIVE (polled every 5 ms), on a compute host with the Boxcar driver and on one
   with Nova's fake.FakeDriver, alternating boot by boot (Nova's overhead is the floor).
   Target: Boxcar adds <= 0.2 s.
ROUNDS (env BENCH_ROUNDS, default 20) of each."""

import os
import statistics
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'nova'))

import nova_test_env  # noqa: E402,F401

from nova.virt.boxcar import _native  # noqa: E402
from nova.virt.boxcar import driver as boxcar_driver  # noqa: E402,F401

import boxcar_agent  # noqa: E402
import test_functional  # noqa: E402

ROUNDS = int(os.environ.get('BENCH_ROUNDS', '20'))
IMAGE = {'id': test_functional.BUSYBOX_IMAGE_ID, 'name': 'busybox',
         'container_format': 'docker', 'disk_format': 'raw',
         'properties': {'os_command_line': test_functional.COMMAND_LINE}}


def summary(name, seconds):
    ordered = sorted(seconds)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    line = '%-40s n=%-3d median %7.1f ms  p90 %7.1f ms  min %7.1f ms' % (
        name, len(seconds), statistics.median(seconds) * 1000, p90 * 1000,
        ordered[0] * 1000)
    print(line, file=sys.stderr)
    return statistics.median(seconds)


class DriverSpawnBench(boxcar_agent.AgentPerTestClass, unittest.TestCase):

    def test_spawn_with_a_cached_image(self):
        native = _native.Driver({'socket': self.agent.socket_path,
                                 'image_transfer': 'compute'})
        session = native.start_upload(IMAGE)
        session.write(self.archive)
        image_id = session.finish()
        times = []
        for _ in range(ROUNDS):
            instance = {'uuid': str(uuid.uuid4()), 'name': 'bench',
                        'flavor': {'name': 'm1.tiny', 'memory_mb': 512, 'vcpus': 1}}
            start = time.perf_counter()
            found = native.resolve_image(IMAGE, {})
            native.spawn(instance, IMAGE, found['image_id'])
            times.append(time.perf_counter() - start)
            self.assertEqual(image_id, found['image_id'])
            native.destroy(instance['uuid'])
        summary('driver spawn (cached image)', times)


class BootToActiveBench(test_functional._BoxcarServersBase):

    def _setup_compute_service(self):
        # Two compute hosts in one harness: one per driver. The Boxcar one is started last,
        # with the [boxcar] options _BoxcarServersBase.setUp set.
        self.flags(compute_driver='fake.FakeDriver')
        self.fake_compute = self._start_compute('fake-host')
        self.flags(compute_driver='boxcar.BoxcarDriver')
        return self._start_compute('boxcar-host')

    def _boot_on(self, host):
        self.api.microversion = '2.74'
        body = self._build_server(image_uuid=test_functional.BUSYBOX_IMAGE_ID,
                                  networks='none', host=host)
        start = time.perf_counter()
        server = self.api.post_server({'server': body})
        while True:
            status = self.api.get_server(server['id'])['status']
            if status != 'BUILD':
                break
            time.sleep(0.005)
        elapsed = time.perf_counter() - start
        self.assertEqual('ACTIVE', status)
        self.api.delete_server(server['id'])
        self._wait_until_deleted(server)
        return elapsed

    def test_boot_to_active_boxcar_against_fake(self):
        self._boot_on('boxcar-host')  # the image reaches the agent's store once, untimed
        boxcar, fake = [], []
        for round_number in range(ROUNDS):
            order = [('boxcar-host', boxcar), ('fake-host', fake)]
            for host, times in (order if round_number % 2 == 0 else reversed(order)):
                times.append(self._boot_on(host))
        boxcar_median = summary('boot-to-ACTIVE, Boxcar driver', boxcar)
        fake_median = summary('boot-to-ACTIVE, fake.FakeDriver', fake)
        print('Boxcar adds %.1f ms to the fake driver (median)'
              % ((boxcar_median - fake_median) * 1000), file=sys.stderr)


if __name__ == '__main__':
    unittest.main()
