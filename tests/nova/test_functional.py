"""Nova's in-process functional harness (real API, conductor, scheduler, placement and
compute manager; RPC cast as calls, Glance and Neutron fixtures) with the Boxcar driver as
compute_driver and a real agent: servers that are real containers.

The Glance fixture has no real Glance behind it, so the driver runs with
[boxcar] image_transfer = compute: nova-compute streams the fixture's image data (a real
busybox docker-archive) into the agent's Images.Import, and a snapshot's Images.Save into
the fixture (which then keeps the bytes, so a server can boot from the snapshot)."""

import base64
import io
import json
import os
import shutil
import signal
import tempfile
import threading
import time

import nova_test_env  # noqa: F401  (first: makes nova.virt.boxcar importable)

from nova.tests.functional.api import client
from nova.tests.functional import integrated_helpers
from nova.virt.boxcar import driver as boxcar_driver  # noqa: F401  (registers [boxcar])

import boxcar_agent

BUSYBOX_IMAGE_ID = 'b0c5ca20-0000-4000-8000-000000000001'
COMMAND_LINE = ("sh -c 'echo boxcar-console-ok; echo $ROLE; trap \"exit 0\" TERM; "
                "while :; do sleep 1; done'")
WAIT_RETRIES = 240  # x 0.5 s


class _BoxcarServersBase(boxcar_agent.AgentPerTestClass,
                         integrated_helpers._IntegratedTestBase):
    api_major_version = 'v2.1'
    microversion = 'latest'
    ADMIN_API = True

    def setUp(self):
        if not self.agent.process:
            self.agent.start()
        self.flags(api_paste_config=nova_test_env.API_PASTE, group='wsgi')
        self.flags(compute_driver='boxcar.BoxcarDriver')
        # Config drives are written under instances_path (never Nova's package directory).
        self.instances_path = tempfile.mkdtemp(prefix='boxcar-nova-instances-')
        self.addCleanup(shutil.rmtree, self.instances_path, ignore_errors=True)
        self.flags(instances_path=self.instances_path)
        self.flags(agent_socket=self.agent.socket_path, image_transfer='compute',
                   cleanup_retry_seconds=5, soft_reboot_timeout=10, group='boxcar')
        super().setUp()
        self.glance.create(None, {
            'id': BUSYBOX_IMAGE_ID, 'name': 'busybox', 'container_format': 'docker',
            'disk_format': 'raw', 'size': len(self.archive), 'min_ram': 0, 'min_disk': 0,
            'status': 'active', 'visibility': 'public', 'properties': {'os_command_line': COMMAND_LINE}}, data=io.BytesIO(self.archive))
        # The fixture drops uploaded data and keeps min_disk / min_ram as Nova's snapshot
        # code gave them (strings); keep the data and the integers, as Glance would.
        fixture_update = self.glance.update

        def update(context, image_id, metadata, data=None, purge_props=False):
            if data is not None:
                self.glance._imagedata[image_id] = data.read()
            image = fixture_update(context, image_id, metadata, purge_props=purge_props)
            for key in ('min_disk', 'min_ram'):
                image[key] = int(image.get(key) or 0)
            return image

        self.glance.update = update
        self.addCleanup(self._remove_everything)

    def _remove_everything(self):
        if self.agent.process is None:
            self.agent.start()
        for container in self.agent.cli('ps', '-a', '-q').stdout.split():
            self.agent.cli('rm', '-f', container)
        self.agent.cli('image', 'prune', '-a')

    def _wait(self, server, status):
        return self._wait_for_server_parameter(server, {'status': status},
                                               max_retries=WAIT_RETRIES)

    def _boot(self, image=BUSYBOX_IMAGE_ID, flavor=None, status='ACTIVE', metadata=None,
              host=None):
        body = self._build_server(image_uuid=image, flavor_id=flavor, networks='none',
                                  host=host)
        if metadata:
            body['metadata'] = metadata
        return self._wait(self.api.post_server({'server': body}), status)

    def _container(self, server, agent=None):
        inspected = (agent or self.agent).cli('inspect', 'nova-' + server['id'])
        if inspected.returncode != 0:
            return None
        for state in ('RUNNING', 'PAUSED', 'EXITED', 'CREATED'):
            if '"state": "CONTAINER_STATE_%s"' % state in inspected.stdout:
                return state
        return 'UNKNOWN'

    def _expect_fault(self, server, text):
        server = self.api.get_server(server['id'])
        self.assertEqual('ERROR', server['status'])
        self.assertIn(text, server['fault']['message'])
        return server

    def _expect_agent_empty(self, agent=None):
        agent = agent or self.agent
        self.assertEqual('', agent.cli('ps', '-a', '-q').stdout.strip())
        self.assertEqual([], agent.leftover_mounts())
        self.assertEqual([], agent.leftover_cgroups())


class BoxcarServerLifecycleTest(_BoxcarServersBase):

    def test_boot_stop_start_reboot_pause_snapshot_delete(self):
        server = self._boot(metadata={'ROLE': 'frontend'})
        self.assertEqual('RUNNING', self._container(server))
        self.assertEqual(1, server['OS-EXT-STS:power_state'])
        self.assertEqual('docker', self.admin_api.api_get(
            '/os-hypervisors/detail').body['hypervisors'][0]['hypervisor_type'])

        for _ in range(WAIT_RETRIES):
            output = self.api.post_server_action(
                server['id'], {'os-getConsoleOutput': {}})['output']
            if 'frontend' in output:
                break
            time.sleep(0.05)
        self.assertIn('boxcar-console-ok\nfrontend\n', output)

        self._stop_server(server)
        self.assertEqual('EXITED', self._container(server))
        self._start_server(server)
        self.assertEqual('RUNNING', self._container(server))

        for hard in (False, True):
            self._reboot_server(server, hard=hard)
            self.assertEqual('RUNNING', self._container(server))

        self.api.post_server_action(server['id'], {'pause': {}})
        self._wait(server, 'PAUSED')
        self.assertEqual('PAUSED', self._container(server))
        self.api.post_server_action(server['id'], {'unpause': {}})
        self._wait(server, 'ACTIVE')
        self.assertEqual('RUNNING', self._container(server))

        # A snapshot carries what the instance wrote; a server booted from it (the agent's
        # copy removed first, so its data comes through Glance) sees the file.
        written = self.agent.cli('exec', 'nova-' + server['id'], 'sh', '-c',
                                 'echo from-the-snapshot > /marker')
        self.assertEqual(0, written.returncode, written.stderr)
        snapshot_id = self.api.post_server_action(
            server['id'], {'createImage': {'name': 'snap'}})['image_id']
        self._wait_for_server_parameter(server, {'OS-EXT-STS:task_state': None},
                                        max_retries=WAIT_RETRIES)
        snapshot = self.glance.show(None, snapshot_id)
        self.assertEqual('docker', snapshot['container_format'])
        self.assertTrue(self.glance._imagedata[snapshot_id].startswith(b'') and
                        len(self.glance._imagedata[snapshot_id]) > 1024 * 1024)
        removed = self.agent.cli('image', 'rm', 'glance/' + snapshot_id)
        self.assertEqual(0, removed.returncode, removed.stderr)
        from_snapshot = self._boot(image=snapshot_id)
        marker = self.agent.cli('exec', 'nova-' + from_snapshot['id'], 'cat', '/marker')
        self.assertEqual('from-the-snapshot\n', marker.stdout, marker.stderr)

        self._delete_server(from_snapshot)
        self._delete_server(server)
        self.assertIsNone(self._container(server))
        self._expect_agent_empty()

    def test_rebuild_starts_afresh_from_the_image(self):
        server = self._boot()
        written = self.agent.cli('exec', 'nova-' + server['id'], 'touch', '/before-rebuild')
        self.assertEqual(0, written.returncode, written.stderr)
        server = self._rebuild_server(server, BUSYBOX_IMAGE_ID)
        self.assertEqual('RUNNING', self._container(server))
        looked = self.agent.cli('exec', 'nova-' + server['id'], 'ls', '/before-rebuild')
        self.assertNotEqual(0, looked.returncode)
        self._delete_server(server)
        self._expect_agent_empty()

    def test_a_config_drive_carries_user_data_and_metadata(self):
        user_data = '#cloud-config\nruncmd: [echo from-user-data]\n'
        body = self._build_server(image_uuid=BUSYBOX_IMAGE_ID, networks='none')
        body.update(config_drive=True, metadata={'ROLE': 'db'},
                    user_data=base64.b64encode(user_data.encode()).decode())
        server = self._wait(self.api.post_server({'server': body}), 'ACTIVE')
        name = 'nova-' + server['id']

        def drive_file(path):
            read = self.agent.cli('exec', name, 'cat', '/config-drive/' + path)
            self.assertEqual(0, read.returncode, read.stderr)
            return read.stdout

        def drives():
            return sorted(os.listdir(os.path.join(self.instances_path, server['id'])))

        meta = json.loads(drive_file('openstack/latest/meta_data.json'))
        self.assertEqual(server['id'], meta['uuid'])
        self.assertEqual({'ROLE': 'db'}, meta['meta'])
        self.assertEqual(user_data, drive_file('openstack/latest/user_data'))
        self.assertEqual(user_data, drive_file('ec2/latest/user-data'))
        written = self.agent.cli('exec', name, 'touch', '/config-drive/x')
        self.assertNotEqual(0, written.returncode)
        self.assertIn('Read-only', written.stderr)
        self.assertEqual(1, len(drives()), drives())

        # A rebuild gets a drive of its own; the old one goes with the old container.
        first = drives()
        server = self._rebuild_server(server, BUSYBOX_IMAGE_ID)
        self.assertEqual(server['id'], json.loads(
            drive_file('openstack/latest/meta_data.json'))['uuid'])
        self.assertEqual(1, len(drives()), drives())
        self.assertNotEqual(first, drives())

        # A server that asks for none has none.
        plain = self._boot()
        looked = self.agent.cli('exec', 'nova-' + plain['id'], 'ls', '/config-drive')
        self.assertNotEqual(0, looked.returncode)

        self._delete_server(server)
        self._delete_server(plain)
        self.assertEqual([], os.listdir(self.instances_path))
        self._expect_agent_empty()

    def _limits(self, server):
        inspected = self.agent.cli('inspect', 'nova-' + server['id'])
        self.assertEqual(0, inspected.returncode, inspected.stderr)
        return json.loads(inspected.stdout)[0]['spec']['limits']

    def test_a_fork_bomb_stays_inside_its_server(self):
        # [boxcar] pids_limit (4096) holds for every flavor that sets none.
        server = self._boot()
        self.assertEqual('4096', self._limits(server)['pids_max'])
        self._delete_server(server)
        # A flavor's boxcar:pids_limit replaces it: forking beyond it fails inside.
        flavor = self._create_flavor(memory_mb=512, vcpu=1, disk=1, ephemeral=0,
                                     extra_spec={'boxcar:pids_limit': '12'})
        server = self._boot(flavor=flavor)
        self.assertEqual('12', self._limits(server)['pids_max'])
        forked = self.agent.cli('exec', 'nova-' + server['id'], 'sh', '-c',
                                'for i in $(seq 30); do sleep 1 & done; wait')
        self.assertIn("can't fork", forked.stderr)
        self._delete_server(server)

    def test_second_boot_of_an_image_transfers_nothing(self):
        downloads = []
        fixture_download = self.glance.download

        def download(context, image_id, *args, **kwargs):
            downloads.append(image_id)
            return fixture_download(context, image_id, *args, **kwargs)

        self.glance.download = download
        first = self._boot()
        second = self._boot()
        self.assertEqual([BUSYBOX_IMAGE_ID], downloads)
        self._delete_server(first)
        self._delete_server(second)


class BoxcarBadInputTest(_BoxcarServersBase):

    def _register(self, image_id, container_format, data):
        self.glance.create(None, {
            'id': image_id, 'name': 'bad', 'container_format': container_format,
            'disk_format': 'raw', 'min_ram': 0, 'min_disk': 0, 'status': 'active',
            'visibility': 'public', 'properties': {}}, data=io.BytesIO(data))

    def test_an_image_that_is_not_docker_goes_to_error(self):
        image_id = 'b0c5ca20-0000-4000-8000-00000000000a'
        self._register(image_id, 'bare', self.archive)
        server = self._boot(image=image_id, status='ERROR')
        self._expect_fault(server, "container_format is 'bare'")
        self._expect_agent_empty()

    def test_data_that_is_not_an_image_goes_to_error(self):
        image_id = 'b0c5ca20-0000-4000-8000-00000000000b'
        self._register(image_id, 'docker', b'this is not a tar archive\n' * 1000)
        server = self._boot(image=image_id, status='ERROR')
        self._expect_fault(server, 'docker-archive or OCI archive')
        self._expect_agent_empty()
        images = self.agent.cli('image', 'ls')
        self.assertNotIn(image_id, images.stdout)

    def test_a_flavor_beyond_the_host_goes_to_error(self):
        # Placement never offers more than the inventory the driver reported; an operator
        # (or a stale report) can say otherwise, and then the driver must refuse.
        memory_mb = self.compute.driver._node()['memory_mb']
        provider = self._get_provider_uuid_by_host('compute')
        inventories = self.placement.get(
            '/resource_providers/%s/inventories' % provider).body
        memory = inventories['inventories']['MEMORY_MB']
        memory.update(total=memory_mb * 4, max_unit=memory_mb * 4)
        self.placement.put('/resource_providers/%s/inventories/MEMORY_MB' % provider,
                           dict(memory, resource_provider_generation=inventories[
                               'resource_provider_generation']))
        flavor = self._create_flavor(memory_mb=memory_mb * 2, vcpu=1, disk=1, ephemeral=0)
        server = self._boot(flavor=flavor, status='ERROR')
        self._expect_fault(server, 'is more than the host')
        self._expect_agent_empty()

    def test_a_stopped_agent_fails_the_boot_with_the_reason(self):
        # The build is rescheduled (another host could take it); with no other host the
        # fault says so (the agent's reason is in nova-compute's log).
        self.agent.stop(kill9=True)
        server = self._boot(status='ERROR')
        self._expect_fault(server, 'Exhausted all hosts available')
        self.agent.start()
        self._expect_agent_empty()

    def test_an_agent_restarted_mid_spawn_leaves_nothing(self):
        fixture_download = self.glance.download

        def download(context, image_id, data=None, **kwargs):
            payload = self.glance._imagedata[image_id]
            half = len(payload) // 2
            data.write(payload[:half])
            data.flush()  # the first half reaches the agent
            restart = threading.Thread(target=self.agent.restart)
            restart.start()
            restart.join()
            data.write(payload[half:])

        self.glance.download = download
        # The agent was unreachable for a moment: the build is rescheduled, and with no
        # other host it fails.
        server = self._boot(status='ERROR')
        self._expect_fault(server, 'Exhausted all hosts available')
        self.glance.download = fixture_download
        self._expect_agent_empty()
        self.assertNotIn(BUSYBOX_IMAGE_ID, self.agent.cli('image', 'ls').stdout)
        checked = self.agent.cli('system', 'check')
        self.assertEqual(0, checked.returncode, checked.stdout + checked.stderr)
        # The agent is usable again, and the image boots.
        server = self._boot()
        self.assertEqual('RUNNING', self._container(server))
        self._delete_server(server)


class BoxcarLifecycleEventsTest(_BoxcarServersBase):
    """What happens to a container outside Nova reaches Nova as a lifecycle event. Nova's
    power-state sync runs every 10 minutes (its periodic tasks do not run in this harness at
    all): without the events these servers would stay ACTIVE."""

    def _payload_pid(self, server):
        inspected = self.agent.cli('inspect', 'nova-' + server['id'])
        self.assertEqual(0, inspected.returncode, inspected.stderr)
        document = json.loads(inspected.stdout)
        container = document[0] if isinstance(document, list) else document
        pid = int(container.get('pid', 0))
        self.assertGreater(pid, 0, inspected.stdout)
        return pid

    def test_a_payload_killed_outside_nova_shuts_the_server_off(self):
        server = self._boot()
        killed = self.agent.cli('kill', 'nova-' + server['id'])
        self.assertEqual(0, killed.returncode, killed.stderr)
        server = self._wait(server, 'SHUTOFF')
        self.assertEqual(4, server['OS-EXT-STS:power_state'])  # SHUTDOWN
        self.assertEqual('EXITED', self._container(server))
        # The server starts again as any stopped server does.
        self._start_server(server)
        self.assertEqual('RUNNING', self._container(server))
        self._delete_server(server)

    def test_a_payload_the_oom_killer_ends_shuts_the_server_off(self):
        image_id = 'b0c5ca20-0000-4000-8000-00000000000e'
        # dd's 200 MB buffer is beyond the flavor's 64 MB.
        self.glance.create(None, {
            'id': image_id, 'name': 'hog', 'container_format': 'docker',
            'disk_format': 'raw', 'size': len(self.archive), 'min_ram': 0, 'min_disk': 0,
            'status': 'active', 'visibility': 'public',
            'properties': {'os_command_line':
                           "sh -c 'sleep 1; dd if=/dev/zero of=/dev/null bs=200M count=1'"}},
            data=io.BytesIO(self.archive))
        flavor = self._create_flavor(memory_mb=64, vcpu=1, disk=1, ephemeral=0)
        server = self._boot(image=image_id, flavor=flavor)
        server = self._wait(server, 'SHUTOFF')
        inspected = self.agent.cli('inspect', 'nova-' + server['id'])
        self.assertIn('"oom_killed": true', inspected.stdout)
        self._delete_server(server)

    def test_a_pause_outside_nova_is_seen(self):
        server = self._boot()
        paused = self.agent.cli('pause', 'nova-' + server['id'])
        self.assertEqual(0, paused.returncode, paused.stderr)
        self._wait_for_server_parameter(server, {'OS-EXT-STS:power_state': 3},  # PAUSED
                                        max_retries=WAIT_RETRIES)
        self.agent.cli('unpause', 'nova-' + server['id'])
        self._wait_for_server_parameter(server, {'OS-EXT-STS:power_state': 1},  # RUNNING
                                        max_retries=WAIT_RETRIES)
        self.assertEqual('ACTIVE', self.api.get_server(server['id'])['status'])
        self._delete_server(server)

    def test_nova_drives_the_server_as_soon_as_a_restarted_agent_answers(self):
        # The event stream retries while the agent is away; Nova's own calls must not wait
        # for that stream's reconnection (a shared gRPC channel in backoff failed them).
        server = self._boot()
        self.agent.stop(kill9=True)
        time.sleep(3)
        self.agent.start()
        self._stop_server(server)
        self.assertEqual('EXITED', self._container(server))
        self._start_server(server)
        self.assertEqual('RUNNING', self._container(server))
        self._delete_server(server)

    def test_an_exit_while_the_agent_was_away_is_seen_when_it_is_back(self):
        server = self._boot()
        pid = self._payload_pid(server)
        self.agent.stop(kill9=True)  # the container runs on without its agent
        os.kill(pid, signal.SIGKILL)
        time.sleep(2)  # the driver retries the agent's stream meanwhile
        self.agent.start()
        server = self._wait(server, 'SHUTOFF')
        self.assertEqual('EXITED', self._container(server))
        self._delete_server(server)


class BoxcarTwoHostsTest(_BoxcarServersBase):
    """Two nova-compute services, 'compute' and 'host2', in front of the same agent."""

    def setUp(self):
        super().setUp()
        self._start_compute('host2')

    def _host_of(self, server):
        return self.admin_api.get_server(server['id'])['OS-EXT-SRV-ATTR:host']

    def test_live_migration_is_refused_and_the_server_stays_active(self):
        server = self._boot()
        source = self._host_of(server)
        target = 'host2' if source == 'compute' else 'compute'
        try:
            self.api.post_server_action(server['id'], {'os-migrateLive': {
                'host': target, 'block_migration': 'auto'}})
        except client.OpenStackApiException as error:
            # Here casts are calls: the conductor's NoValidHost (every host refused in its
            # pre-check) reaches the API, which calls it unexpected; a real cloud says 202.
            self.assertIn('NoValidHost', error.response.text)
        self._wait_for_migration_status(server, ['error'])
        server = self.api.get_server(server['id'])
        self.assertEqual('ACTIVE', server['status'])
        self.assertIsNone(server['OS-EXT-STS:task_state'])
        self.assertEqual(source, self._host_of(server))
        self.assertEqual('RUNNING', self._container(server))
        self._delete_server(server)


class BoxcarTwoAgentsTest(_BoxcarServersBase):
    """Two nova-compute services, 'compute' and 'host2', each with an agent of its own."""

    def setUp(self):
        super().setUp()
        self.agent2 = boxcar_agent.AgentProcess()
        self.addCleanup(self.agent2.close)
        self.agent2.start()
        # The driver takes the socket when it is made: host2's driver is bound to agent2.
        self.flags(agent_socket=self.agent2.socket_path, group='boxcar')
        self._start_compute('host2')
        self.flags(agent_socket=self.agent.socket_path, group='boxcar')

    def test_a_server_of_a_host_that_is_down_is_rebuilt_on_another(self):
        server = self._boot(host='compute')
        written = self.agent.cli('exec', 'nova-' + server['id'], 'touch', '/on-the-old-host')
        self.assertEqual(0, written.returncode, written.stderr)
        # The host goes down (its nova-compute stops; the operator forces the service down).
        source = self.admin_api.get_services(host='compute', binary='nova-compute')[0]
        self.computes['compute'].stop()
        self.admin_api.put_service_force_down(source['id'], forced_down=True)

        server = self._evacuate_server(server, expected_host='host2')
        self.assertEqual('RUNNING', self._container(server, self.agent2))
        # Rebuilt from the image: what the old container wrote stayed behind.
        looked = self.agent2.cli('exec', 'nova-' + server['id'], 'ls', '/on-the-old-host')
        self.assertNotEqual(0, looked.returncode)
        # The old host only lost its nova-compute: its container is still there until...
        self.assertEqual('RUNNING', self._container(server))

        # ...its nova-compute is back, and removes what was evacuated from it.
        self.restart_compute_service(self.computes['compute'])
        self.admin_api.put_service_force_down(source['id'], forced_down=False)
        self.assertIsNone(self._container(server))
        self._expect_agent_empty()
        self.assertEqual('RUNNING', self._container(server, self.agent2))

        self._delete_server(server)
        self._expect_agent_empty(self.agent2)

    def _host_of(self, server):
        return self.admin_api.get_server(server['id'])['OS-EXT-SRV-ATTR:host']

    def _file_in(self, agent, server):
        return agent.cli('exec', 'nova-' + server['id'], 'cat', '/written-before-the-move').stdout

    def _no_migration_image_left(self):
        self.assertEqual([], [image['name'] for image in self.glance.images.values()
                              if image['name'].startswith('boxcar-migration-')])
        for agent in (self.agent, self.agent2):
            self.assertNotIn('boxcar-migration-', agent.cli('image', 'ls').stdout)

    def test_a_cold_migration_carries_what_the_container_wrote(self):
        server = self._boot(host='compute')
        written = self.agent.cli('exec', 'nova-' + server['id'], 'sh', '-c',
                                 'echo %s > /written-before-the-move' % server['id'])
        self.assertEqual(0, written.returncode, written.stderr)
        # To host2, reverted: back on 'compute', running, with the file; nothing on host2.
        self.admin_api.post_server_action(server['id'], {'migrate': {'host': 'host2'}})
        server = self._wait(server, 'VERIFY_RESIZE')
        self.assertEqual('host2', self._host_of(server))
        self.assertEqual('RUNNING', self._container(server, self.agent2))
        self.assertEqual(server['id'] + '\n', self._file_in(self.agent2, server))
        self.assertEqual('EXITED', self._container(server))
        self.assertEqual([], [image['name'] for image in self.glance.images.values()
                              if image['name'].startswith('boxcar-migration-')])
        self.api.post_server_action(server['id'], {'revertResize': None})
        server = self._wait(server, 'ACTIVE')
        self._wait_for_migration_status(server, ['reverted'])
        self.assertEqual('compute', self._host_of(server))
        self.assertEqual('RUNNING', self._container(server))
        self.assertEqual(server['id'] + '\n', self._file_in(self.agent, server))
        self._expect_agent_empty(self.agent2)
        self._no_migration_image_left()
        # Again, confirmed: only host2 has it.
        self.admin_api.post_server_action(server['id'], {'migrate': {'host': 'host2'}})
        server = self._wait(server, 'VERIFY_RESIZE')
        self.api.post_server_action(server['id'], {'confirmResize': None})
        server = self._wait(server, 'ACTIVE')
        self._wait_for_migration_status(server, ['confirmed'])
        self.assertEqual('RUNNING', self._container(server, self.agent2))
        self.assertEqual(server['id'] + '\n', self._file_in(self.agent2, server))
        self._expect_agent_empty()
        self._no_migration_image_left()
        self._delete_server(server)
        self._expect_agent_empty(self.agent2)

    def test_a_boot_on_a_host_whose_agent_is_down_moves_to_another_host(self):
        # A first server on host2 makes 'compute' the scheduler's first choice (more free
        # memory); host2 stays among the alternates.
        first = self._boot(host='host2')
        self.agent.stop(kill9=True)
        server = self._boot()
        self.assertEqual('host2', self.admin_api.get_server(server['id'])['OS-EXT-SRV-ATTR:host'])
        self.assertEqual('RUNNING', self._container(server, self.agent2))
        # It went to 'compute' first: its agent's absence made the build reschedule.
        events = self.api.api_get('/servers/%s/os-instance-actions' % server['id']).body
        request_id = events['instanceActions'][0]['request_id']
        action = self.admin_api.api_get('/servers/%s/os-instance-actions/%s' % (
            server['id'], request_id)).body['instanceAction']
        hosts = [event.get('host') for event in action['events']
                 if event['event'] == 'compute__do_build_and_run_instance']
        self.assertIn('compute', hosts)
        self.agent.start()
        self._expect_agent_empty()
        self._delete_server(server)
        self._delete_server(first)
        self._expect_agent_empty(self.agent2)


if __name__ == '__main__':
    import unittest
    unittest.main()
