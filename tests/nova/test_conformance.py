"""Nova's own driver conformance suite (nova.tests.unit.virt.test_virt_drivers) against the
Boxcar driver and a real agent, plus the ComputeDriver methods that suite does not call.

The suite lets NotImplementedError pass silently (@catch_notimplementederror logs it): every
hit is recorded here, and a hit in a method the compute-driver issue requires fails the test
that made it. The counts are printed at the end."""

import collections
import copy
import functools
import json
import sys
import time

import nova_test_env  # noqa: F401  (first: makes nova.virt.boxcar importable)

import fixtures
from nova.compute import power_state
from nova.compute import provider_tree
from nova.compute import task_states
import nova.conf
from nova import exception
from nova import objects
from nova.network import model as network_model
from nova import test
from nova.tests.unit import utils as test_utils
from nova.tests.unit.virt import test_virt_drivers
from nova.virt.boxcar import driver as boxcar_driver  # noqa: F401  (registers [boxcar])

import boxcar_agent

from oslo_serialization import jsonutils

CONF = nova.conf.CONF

# The image the suite boots (nova.tests.fixtures.glance image4), made a real docker image.
SUITE_IMAGE_ID = 'cedef40a-ed67-4d10-800e-17455edce175'
COMMAND_LINE = "sh -c 'echo boxcar-console-ok; trap \"exit 0\" TERM; while :; do sleep 1; done'"

# What the issue lists: NotImplementedError from any of these is a failure.
REQUIRED = {
    'init_host', 'get_available_nodes', 'get_host_ip_addr', 'get_available_resource',
    'update_provider_tree', 'get_host_uptime', 'list_instances', 'list_instance_uuids',
    'instance_exists', 'spawn', 'destroy', 'cleanup', 'get_info', 'reboot', 'power_off',
    'power_on', 'pause', 'unpause', 'suspend', 'resume', 'snapshot', 'get_console_output',
    'get_diagnostics', 'get_instance_diagnostics', 'resume_state_on_host_boot',
}
# Honest refusals the issue allows.
ALLOWED_REFUSALS = {'rescue', 'unrescue'}

HITS = collections.Counter()
REQUIRED_HITS = []


def _target_method(test_name):
    """The required method a suite test is about (test_power_on_running -> power_on)."""
    name = test_name[len('test_'):]
    matches = [m for m in REQUIRED if name == m or name.startswith(m + '_')]
    return max(matches, key=len) if matches else None


class BoxcarDriverConformanceTest(boxcar_agent.AgentPerTestClass,
                                  test_virt_drivers._VirtDriverTestCase, test.TestCase):

    @classmethod
    def tearDownClass(cls):
        print('\nNotImplementedError hits: %d in %d methods (%s); in required methods: %d'
              % (sum(HITS.values()), len(HITS),
                 ', '.join('%s x%d' % item for item in sorted(HITS.items())),
                 len(REQUIRED_HITS)), file=sys.stderr)
        super().tearDownClass()

    def setUp(self):
        self.flags(agent_socket=self.agent.socket_path, image_transfer='compute',
                   allow_unplugged_vifs=True, cleanup_retry_seconds=2, group='boxcar')
        self.driver_module = 'nova.virt.boxcar.BoxcarDriver'
        super().setUp()
        image = self.image_service.images[SUITE_IMAGE_ID]
        image.update(container_format='docker', disk_format='raw',
                     properties={'os_command_line': COMMAND_LINE})
        self.image_service._imagedata[SUITE_IMAGE_ID] = self.archive
        self._hits_here = []
        self.useFixture(fixtures.MonkeyPatch(
            'nova.tests.unit.virt.test_virt_drivers.LOG.error', self._record_hit))
        self.addCleanup(self._check_hits)
        self.addCleanup(self._remove_containers)

    def _record_hit(self, message, values=None, *args, **kwargs):
        if not isinstance(values, dict) or 'method' not in values:
            return
        HITS[values['method']] += 1
        self._hits_here.append((values['method'], values['test']))

    def _check_hits(self):
        for method, test_name in self._hits_here:
            target = _target_method(test_name)
            if method in ALLOWED_REFUSALS:
                continue
            if method in REQUIRED or (target and method.startswith('_')):
                REQUIRED_HITS.append((test_name, method))
                self.fail('%s raised NotImplementedError in %s, which the driver must '
                          'implement' % (test_name, method))

    def _remove_containers(self):
        listed = self.agent.cli('ps', '-a', '-q')
        for container in listed.stdout.split():
            self.agent.cli('rm', '-f', container)

    def test_live_migration(self):
        self.skipTest('live migration is not supported: the driver does not implement it')

    def test_live_migration_force_complete(self):
        self.skipTest('live migration is not supported: the driver does not implement it')

    # -- moves: resize in place, cold migration (migration_tests below), live refused ----

    def _memory_limit(self, instance):
        inspected = self.agent.cli('inspect', 'nova-' + instance.uuid)
        self.assertEqual(0, inspected.returncode, inspected.stderr)
        return int(json.loads(inspected.stdout)[0]['spec']['limits']['memory_bytes'])

    def _migration(self, source, dest):
        return objects.Migration(context=self.ctxt, source_compute=source, dest_compute=dest,
                                 source_node=source, dest_node=dest)

    def _agent_images(self):
        return self.agent.cli('image', 'ls').stdout

    def _migrated_away(self, before=None):
        """A running instance (`before` run in its container first) after the source's half
        of a move to another host: (instance, network_info, disk_info, Glance image id)."""
        instance, network_info = self._get_running_instance(obj=True)
        if before:
            ran = self.agent.cli('exec', 'nova-' + instance.uuid, 'sh', '-c', before)
            self.assertEqual(0, ran.returncode, ran.stderr)
        disk_info = self.connection.migrate_disk_and_power_off(
            self.ctxt, instance, 'dest_host', test_utils.get_test_flavor(), network_info)
        glance_id = jsonutils.loads(disk_info)[0]['glance_image_id']
        return instance, network_info, disk_info, glance_id

    def test_migrate_disk_and_power_off(self):
        # To another host ('dest_host' is not this one): stopped, its changes committed and
        # uploaded to a private Glance image named after the instance, which disk_info names.
        instance, network_info, disk_info, glance_id = self._migrated_away()
        carrier = self.image_service.show(self.ctxt, glance_id)
        self.assertEqual('boxcar-migration-' + instance.uuid, carrier['name'])
        self.assertEqual('docker', carrier['container_format'])
        self.assertNotEqual('public', carrier.get('visibility'))
        self.assertFalse(carrier.get('is_public', False))
        self.assertEqual(power_state.SHUTDOWN, self.connection.get_info(instance).state)
        self.assertIn('boxcar-migration-' + instance.uuid, self._agent_images())
        self.connection.finish_revert_migration(
            self.ctxt, instance, network_info, self._migration('src', 'dest'), power_on=False)
        self.assertNotIn('boxcar-migration-', self._agent_images())

    def test_boxcar_cold_migration_reverted_restarts_the_source_and_leaves_no_image(self):
        instance, network_info, disk_info, glance_id = self._migrated_away()
        self.connection.finish_revert_migration(
            self.ctxt, instance, network_info, self._migration('src', 'dest'), power_on=True)
        self.assertEqual(power_state.RUNNING, self.connection.get_info(instance).state)
        self.assertRaises(exception.ImageNotFound, self.image_service.show, self.ctxt,
                          glance_id)
        self.assertNotIn('boxcar-migration-', self._agent_images())

    def test_boxcar_cold_migration_confirmed_removes_the_source(self):
        instance, network_info, disk_info, glance_id = self._migrated_away()
        self.connection.confirm_migration(self.ctxt, self._migration('src', 'dest'), instance,
                                          network_info)
        self.assertFalse(self.connection.instance_exists(instance))
        self.assertRaises(exception.ImageNotFound, self.image_service.show, self.ctxt,
                          glance_id)
        self.assertNotIn('boxcar-migration-', self._agent_images())

    def _keep_uploaded_data(self):
        """Nova's Glance fixture drops the data of an update; a real Glance keeps it."""
        fixture_update = self.image_service.update

        def update(context, image_id, metadata, data=None, purge_props=False):
            if data is not None:
                self.image_service._imagedata[image_id] = data.read()
            return fixture_update(context, image_id, metadata, purge_props=purge_props)
        self.stub_out('nova.image.glance.API.update', functools.partial(update))

    def test_boxcar_cold_migration_carries_what_the_container_wrote(self):
        self._keep_uploaded_data()
        instance, network_info, disk_info, glance_id = self._migrated_away(
            before='echo moved > /written; rm /bin/true')
        # One agent plays both hosts: the source's container goes first, and its committed
        # image (the same image as the destination's here: forced) after the test.
        self.agent.cli('rm', '-f', 'nova-' + instance.uuid)
        self.addCleanup(self.agent.cli, 'image', 'rm', '-f', 'boxcar-migration-' + instance.uuid)
        image_meta = test_utils.get_test_image_object(None, instance)
        self.connection.finish_migration(
            self.ctxt, self._migration('src', 'dest'), instance, disk_info, network_info,
            image_meta, True, {}, power_on=True)
        self.assertEqual(power_state.RUNNING, self.connection.get_info(instance).state)
        read = self.agent.cli('exec', 'nova-' + instance.uuid, 'cat', '/written')
        self.assertEqual('moved\n', read.stdout, read.stderr)
        self.assertNotEqual(0, self.agent.cli('exec', 'nova-' + instance.uuid,
                                              'test', '-e', '/bin/true').returncode)
        # The carrier is gone from Glance, and untagged in the store (the container keeps it).
        self.assertRaises(exception.ImageNotFound, self.image_service.show, self.ctxt,
                          glance_id)
        self.assertNotIn('glance/' + glance_id, self._agent_images())

    def test_boxcar_resize_on_the_same_host_updates_the_limits(self):
        instance, network_info = self._get_running_instance(obj=True)
        old_flavor = instance.flavor
        new_flavor = test_utils.get_test_flavor(
            options={'name': 'boxcar.small', 'memory_mb': 256, 'flavorid': 'boxcar-small'})
        self.assertEqual(2048 * 1024 * 1024, self._memory_limit(instance))
        disk_info = self.connection.migrate_disk_and_power_off(
            self.ctxt, instance, CONF.my_ip, new_flavor, network_info)
        self.assertEqual(power_state.SHUTDOWN, self.connection.get_info(instance).state)
        same_host = self._migration('host', 'host')
        instance.old_flavor, instance.flavor = old_flavor, new_flavor
        image_meta = test_utils.get_test_image_object(None, instance)
        self.connection.finish_migration(self.ctxt, same_host, instance, disk_info,
                                         network_info, image_meta, False, {}, power_on=True)
        self.assertEqual(power_state.RUNNING, self.connection.get_info(instance).state)
        self.assertEqual(256 * 1024 * 1024, self._memory_limit(instance))
        self.connection.confirm_migration(self.ctxt, same_host, instance, network_info)
        self.assertTrue(self.connection.instance_exists(instance))
        # Reverted: the old flavor's limits again, stopped when power_on is false.
        instance.flavor = old_flavor
        self.connection.finish_revert_migration(self.ctxt, instance, network_info, same_host,
                                                power_on=False)
        self.assertEqual(2048 * 1024 * 1024, self._memory_limit(instance))
        self.assertNotIn('boxcar-migration-', self._agent_images())

    def test_boxcar_resize_in_place_beyond_the_host_is_refused_before_the_stop(self):
        instance, network_info = self._get_running_instance(obj=True)
        huge = test_utils.get_test_flavor(
            options={'name': 'boxcar.huge', 'memory_mb': 64 * 1024 * 1024, 'flavorid': 'boxcar-huge'})
        refused = self.assertRaises(
            exception.InstanceFaultRollback, self.connection.migrate_disk_and_power_off,
            self.ctxt, instance, CONF.my_ip, huge, network_info)
        self.assertIsInstance(refused.inner_exception, exception.ResizeError)
        self.assertIn('memory_mb', refused.inner_exception.format_message())
        self.assertEqual(power_state.RUNNING, self.connection.get_info(instance).state)

    def test_trigger_crash_dump(self):
        instance, _ = self._get_running_instance(obj=True)
        self.assertRaises(exception.TriggerCrashDumpNotSupported,
                          self.connection.trigger_crash_dump, instance)
        self.assertEqual(power_state.RUNNING, self.connection.get_info(instance).state)

    def test_boxcar_live_migration_is_refused_by_the_pre_checks(self):
        instance, _ = self._get_running_instance(obj=True)
        for check, args in (
                (self.connection.check_can_live_migrate_destination, ({}, {})),
                (self.connection.check_can_live_migrate_source, ({},))):
            refused = self.assertRaises(exception.MigrationPreCheckError, check,
                                        self.ctxt, instance, *args)
            self.assertIn('cannot be moved', refused.format_message())
        self.assertEqual(power_state.RUNNING, self.connection.get_info(instance).state)

    # -- what the suite does not call -----------------------------------------------------

    def test_boxcar_spawned_container_is_the_instance(self):
        instance, _ = self._get_running_instance(obj=True)
        inspected = self.agent.cli('inspect', 'nova-' + instance.uuid)
        self.assertEqual(0, inspected.returncode, inspected.stderr)
        self.assertIn('"org.openstack.nova.instance-uuid": "%s"' % instance.uuid,
                      inspected.stdout)
        self.assertIn('"memory_bytes": "%d"' % (2048 * 1024 * 1024), inspected.stdout)
        self.assertTrue(self.connection.instance_exists(instance))
        self.assertIn(instance.uuid, self.connection.list_instance_uuids())

    def test_boxcar_console_output_is_the_payloads(self):
        instance, _ = self._get_running_instance(obj=True)
        for _ in range(200):
            output = self.connection.get_console_output(self.ctxt, instance)
            if 'boxcar-console-ok' in output:
                break
            time.sleep(0.05)
        self.assertIn('boxcar-console-ok', output)

    def test_boxcar_power_states_follow_the_container(self):
        instance, _ = self._get_running_instance(obj=True)
        info = self.connection.get_info
        self.assertEqual(power_state.RUNNING, info(instance).state)
        self.connection.pause(instance)
        self.assertEqual(power_state.PAUSED, info(instance).state)
        instance.vm_state = 'suspended'
        self.assertEqual(power_state.SUSPENDED, info(instance).state)
        instance.vm_state = 'active'
        self.connection.unpause(instance)
        self.connection.power_off(instance, timeout=5)
        self.assertEqual(power_state.SHUTDOWN, info(instance).state)
        self.connection.power_on(self.ctxt, instance, [], None)
        self.assertEqual(power_state.RUNNING, info(instance).state)
        self.connection.reboot(self.ctxt, instance, [], 'HARD')
        self.assertEqual(power_state.RUNNING, info(instance).state)
        self.connection.power_off(instance)
        self.connection.resume_state_on_host_boot(self.ctxt, instance, [])
        self.assertEqual(power_state.RUNNING, info(instance).state)

    def test_boxcar_destroy_and_cleanup_leave_nothing(self):
        instance, network_info = self._get_running_instance(obj=True)
        self.connection.destroy(self.ctxt, instance, network_info)
        self.connection.cleanup(self.ctxt, instance, network_info)
        self.assertFalse(self.connection.instance_exists(instance))
        self.assertEqual('', self.agent.cli('ps', '-a', '-q').stdout.strip())
        self.assertEqual([], self.agent.leftover_mounts())
        self.assertEqual([], self.agent.leftover_cgroups())

    def test_boxcar_snapshot_task_states_in_nova_order(self):
        image = self.image_service.create(self.ctxt, {'name': 'snap'})
        instance, _ = self._get_running_instance(obj=True)
        states = []
        self.connection.snapshot(self.ctxt, instance, image['id'],
                                 lambda **kwargs: states.append(kwargs))
        self.assertEqual([{'task_state': task_states.IMAGE_PENDING_UPLOAD},
                          {'task_state': task_states.IMAGE_UPLOADING,
                           'expected_state': task_states.IMAGE_PENDING_UPLOAD}], states)
        snapshot = self.image_service.show(self.ctxt, image['id'])
        self.assertEqual('docker', snapshot['container_format'])
        committed = snapshot['properties']['boxcar_config_digest']
        self.assertEqual(0, self.agent.cli('image', 'inspect', committed).returncode)

    def test_boxcar_update_provider_tree_reports_the_host(self):
        tree = provider_tree.ProviderTree()
        tree.new_root('myhostname', 'aaaaaaaa-0000-0000-0000-000000000001')
        self.connection.update_provider_tree(tree, 'myhostname')
        inventory = tree.data('myhostname').inventory
        resources = self.connection.get_available_resource('myhostname')
        self.assertEqual(resources['vcpus'], inventory['VCPU']['total'])
        self.assertEqual(resources['memory_mb'], inventory['MEMORY_MB']['total'])
        self.assertGreater(inventory['MEMORY_MB']['total'], 0)
        self.assertEqual('docker', resources['hypervisor_type'])
        self.assertTrue(self.connection.get_host_uptime().startswith('up '))

    def _ping(self, address):
        return self.agent.in_netns('busybox ping -c1 -W2 %s' % address).returncode

    def test_boxcar_vifs_are_plugged_hot_rebooted_and_unplugged(self):
        self.assertTrue(self.connection.capabilities['supports_attach_interface'])
        made = self.agent.in_netns('ip link add br0 type bridge && '
                                   'ip addr add 10.0.0.254/24 dev br0 && ip link set br0 up')
        self.assertEqual(0, made.returncode, made.stderr)
        self.addCleanup(self.agent.in_netns, 'ip link del br0')
        instance, _ = self._get_running_instance(obj=True)
        vif = test_utils.get_test_network_info()[0]  # an OVS VIF: not plugged at spawn
        vif['type'] = 'bridge'
        tap = 'tap' + vif['id'][:11]
        self.connection.plug_vifs(instance, [vif])
        self.connection.plug_vifs(instance, [vif])  # Nova retries: nothing twice
        self.assertIn('master br0', self.agent.in_netns('ip -o link show ' + tap).stdout)
        self.assertEqual(0, self._ping('10.0.0.73'))
        inside = self.agent.cli('exec', 'nova-' + instance.uuid, 'ip', '-o', 'link', 'show',
                                'eth0').stdout
        self.assertIn('de:ad:be:ef:ca:fe', inside)

        # attach_interface while it runs: eth1, reachable; plugged again after a reboot.
        second = copy.deepcopy(vif)
        second['id'] = '62b9a753-2525-4bd6-9a92-1320ddc55a64'
        second['address'] = 'de:ad:be:ef:ca:01'
        second['network']['subnets'][0]['ips'] = [network_model.FixedIP(address='10.0.0.80')]
        self.connection.attach_interface(self.ctxt, instance, None, second)
        self.assertEqual(0, self._ping('10.0.0.80'))
        self.connection.reboot(self.ctxt, instance, [vif, second], 'SOFT')
        self.assertEqual(0, self._ping('10.0.0.73'))
        self.assertEqual(0, self._ping('10.0.0.80'))
        self.connection.detach_interface(self.ctxt, instance, second)
        self.assertNotEqual(0, self._ping('10.0.0.80'))
        self.assertRaises(exception.NotFound, self.connection.detach_interface, self.ctxt,
                          instance, second)
        self.connection.unplug_vifs(instance, [vif, second])
        self.assertNotEqual(0, self._ping('10.0.0.73'))
        self.assertEqual('', self.agent.in_netns('ip -o link | grep tap || true').stdout)

        # What cannot be plugged is refused with the reason.
        ovs = copy.deepcopy(vif)
        ovs['type'] = 'ovs'
        self.assertRaisesRegex(exception.VirtualInterfacePlugException, "vif_type 'ovs'",
                               self.connection.plug_vifs, instance, [ovs])
        self.connection.destroy(self.ctxt, instance, [vif])
        self.connection.unplug_vifs(instance, [vif])  # gone: nothing to do
