"""The Boxcar compute driver: where Nova's calls arrive. Each method turns Nova objects into
plain data (nova_data), calls the C++ driver (_native) in eventlet's thread pool, and turns
the result or the error back into what Nova expects. The mapping itself (flavors, images,
states, VIFs) is C++ under driver/core/, unit-tested there."""

import eventlet
from eventlet import hubs
from eventlet import tpool
from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova.compute import power_state
from nova.compute import task_states
import nova.conf
from nova import exception
from nova.image import glance
from nova.objects import diagnostics as diagnostics_obj
from nova.objects import fields
from nova.virt import configdrive
from nova.virt import driver
from nova.virt import event as virtevent
from nova.virt import hardware

from nova.virt.boxcar import _native
from nova.virt.boxcar import conf as boxcar_conf
from nova.virt.boxcar.errors import BoxcarBuildAbort
from nova.virt.boxcar.errors import BoxcarError
from nova.virt.boxcar import image_streams
from nova.virt.boxcar import migration as moves
from nova.virt.boxcar import nova_data

CONF = nova.conf.CONF
boxcar_conf.register_opts(CONF)
LOG = logging.getLogger(__name__)

_POWER_STATE_NAMES = {
    power_state.RUNNING: 'running',
    power_state.PAUSED: 'paused',
    power_state.SHUTDOWN: 'shutdown',
    power_state.CRASHED: 'crashed',
    power_state.SUSPENDED: 'suspended',
}


# _native.EventWatcher's transition names -> nova.virt.event's.
_TRANSITIONS = {
    'started': virtevent.EVENT_LIFECYCLE_STARTED,
    'stopped': virtevent.EVENT_LIFECYCLE_STOPPED,
    'paused': virtevent.EVENT_LIFECYCLE_PAUSED,
    'resumed': virtevent.EVENT_LIFECYCLE_RESUMED,
}
# While the agent is away, the event stream is retried this often.
_EVENTS_RECONNECT_MS = 1000


class BoxcarDriver(moves.ColdMoves, driver.ComputeDriver):
    # Honest: True only for what works today.
    capabilities = dict(driver.ComputeDriver.capabilities)
    capabilities.update({
        # Images stay in the agent's store, shared by content; `boxcar image prune` frees
        # them. Nova's image cache manager has nothing to do.
        'has_imagecache': False,
        # VIFs of vif_type bridge (linuxbridge) are plugged as veths, also hot.
        'supports_attach_interface': True,
        'supports_tagged_attach_interface': False,
        # Glance images of container_format=docker carry disk_format=raw.
        'supports_image_type_raw': True,
        # A server of a host that is down is rebuilt from its image on another host (its
        # writable layer stays behind, as a libvirt guest's local disk does): instance_on_disk
        # is False, so Nova spawns it afresh; the old container is destroyed when its host's
        # nova-compute comes back (_destroy_evacuated_instances).
        'supports_evacuate': True,
    })

    def __init__(self, virtapi, read_only=False):
        super(BoxcarDriver, self).__init__(virtapi)
        self._native = _native.Driver(boxcar_conf.native_options(CONF))
        self._image_api = glance.API()
        self._last_node = None
        # Instances whose spawn failed with the agent unreachable, leaving nothing in it.
        self._spawns_left_nothing = set()
        self._event_watcher = None
        self._event_thread = None

    # -- plumbing ------------------------------------------------------------------------

    @staticmethod
    def _call(function, *args):
        """Runs a blocking agent call in a native thread: the hub keeps running."""
        return tpool.execute(function, *args)

    def _instance_call(self, function, instance, *args):
        """An agent call about one instance; a missing container is InstanceNotFound, what
        the agent cannot do is NotImplementedError, anything else BoxcarError."""
        try:
            return self._call(function, instance['uuid'], *args)
        except _native.NotFound:
            raise exception.InstanceNotFound(instance_id=instance['uuid'])
        except _native.Unimplemented as error:
            raise NotImplementedError(str(error))
        except _native.AgentError as error:
            raise BoxcarError(reason=str(error))

    def _credentials(self, context):
        endpoint = ''
        try:
            endpoint = next(glance.get_api_servers(context))
        except Exception as error:  # no catalog: the agent finds Glance in the token's
            LOG.debug('No Glance endpoint for the agent: %s', error)
        return nova_data.credentials_dict(context, endpoint, CONF.glance.cafile)

    # -- the host ------------------------------------------------------------------------

    def init_host(self, host):
        try:
            node = self._node()
        except BoxcarError as error:
            LOG.error('Boxcar agent not usable: %s', error)
            raise exception.HypervisorUnavailable(host=host)
        LOG.info('Boxcar agent at %s: %s CPUs, %s MB, %s GB on host %s',
                 CONF.boxcar.agent_socket, node['vcpus'], node['memory_mb'],
                 node['local_gb'], node['hypervisor_hostname'])
        self._start_event_watcher()

    def cleanup_host(self, host):
        self._stop_event_watcher()

    # -- lifecycle events ----------------------------------------------------------------

    def _start_event_watcher(self):
        """A payload that exits (or is paused) outside Nova becomes a lifecycle event at once,
        as libvirt's domain events do: Nova then stops the server instead of waiting for its
        power-state sync. The agent's stream is followed by a native thread; its events are
        emitted from a green thread, as Nova requires."""
        self._stop_event_watcher()
        self._event_watcher = self._native.watch_events(_EVENTS_RECONNECT_MS)
        self._event_thread = eventlet.spawn(self._dispatch_events, self._event_watcher)

    def _stop_event_watcher(self):
        if self._event_thread is not None:
            self._event_thread.kill()
            self._event_thread = None
        if self._event_watcher is not None:
            self._event_watcher.stop()
            self._event_watcher = None

    def _dispatch_events(self, watcher):
        while True:
            hubs.trampoline(watcher.fileno(), read=True)
            events, notices = watcher.drain()
            for warning, text in notices:
                (LOG.warning if warning else LOG.info)('%s', text)
            for uuid, transition in events:
                self.emit_event(virtevent.LifecycleEvent(uuid, _TRANSITIONS[transition]))

    def get_available_nodes(self, refresh=False):
        return [CONF.host]

    def get_host_ip_addr(self):
        return CONF.my_ip

    def _node(self):
        """The host as the agent reports it. While the agent is unreachable (restarting),
        the last report stands in: the host did not change, and the resource claim of a
        boot then succeeds, so the boot fails in spawn with the agent's reason instead of
        being rescheduled for a reason nobody sees."""
        try:
            self._last_node = self._call(self._native.node)
        except _native.Unavailable as error:
            if self._last_node is None:
                raise BoxcarError(reason=str(error))
            LOG.warning('Reporting the last known resources: %s', error)
        except _native.AgentError as error:
            raise BoxcarError(reason=str(error))
        return self._last_node

    def get_available_resource(self, nodename):
        node = self._node()
        arch = fields.Architecture.canonicalize(node['architecture'] or 'x86_64')
        cpu_info = {
            'arch': arch,
            'model': node['cpu_model'],
            'vendor': '',
            'topology': {'sockets': 1, 'cores': node['vcpus'], 'threads': 1},
            'features': [],
        }
        return {
            'vcpus': node['vcpus'],
            'memory_mb': node['memory_mb'],
            'local_gb': node['local_gb'],
            'vcpus_used': node['vcpus_used'],
            'memory_mb_used': node['memory_mb_used'],
            'local_gb_used': node['local_gb_used'],
            'hypervisor_type': fields.HVType.DOCKER,
            'hypervisor_version': node['hypervisor_version'],
            'hypervisor_hostname': nodename,
            'cpu_info': jsonutils.dumps(cpu_info),
            'disk_available_least': node['disk_available_least'],
            'supported_instances': [(arch, fields.HVType.DOCKER, fields.VMMode.EXE)],
            'numa_topology': None,
        }

    def update_provider_tree(self, provider_tree, nodename, allocations=None):
        node = self._node()
        ratios = self._get_allocation_ratios(provider_tree.data(nodename).inventory)

        def inventory(total, ratio, reserved):
            return {'total': total, 'min_unit': 1, 'max_unit': total, 'step_size': 1,
                    'allocation_ratio': ratio, 'reserved': reserved}

        provider_tree.update_inventory(nodename, {
            'VCPU': inventory(node['vcpus'], ratios['VCPU'], CONF.reserved_host_cpus),
            'MEMORY_MB': inventory(node['memory_mb'], ratios['MEMORY_MB'],
                                   CONF.reserved_host_memory_mb),
            'DISK_GB': inventory(node['local_gb'], ratios['DISK_GB'],
                                 self._get_reserved_host_disk_gb_from_config()),
        })

    def get_host_uptime(self):
        return self._node()['uptime']

    # -- listing -------------------------------------------------------------------------

    def _containers(self):
        try:
            return self._call(self._native.list)
        except _native.AgentError as error:
            raise BoxcarError(reason=str(error))

    def list_instances(self):
        return [c['instance_name'] or c['name'] for c in self._containers()]

    def list_instance_uuids(self):
        return [c['instance_uuid'] for c in self._containers()]

    def get_num_instances(self):
        return len(self._containers())

    def instance_exists(self, instance):
        try:
            self._instance_call(self._native.state, instance, '')
            return True
        except exception.InstanceNotFound:
            return False

    def get_info(self, instance, use_cache=True):
        state = self._instance_call(self._native.state, instance, instance['vm_state'] or '')
        return hardware.InstanceInfo(state=state['power_state'])

    # -- lifecycle -----------------------------------------------------------------------

    def _resolve_image(self, context, image):
        lookup = self._call(self._native.resolve_image, image, self._credentials(context))
        if not lookup['needs_upload']:
            return lookup['image_id']
        LOG.info('Streaming image %s into the agent through nova-compute (%s)',
                 image['id'], lookup['why'])
        return image_streams.upload_image(self._image_api, context, image, self._native,
                                          self._call)

    def _instance_request(self, instance, network_info, injected_files, admin_password):
        """What the C++ spawn takes: the instance, its VIFs and its config drive's files."""
        request = nova_data.instance_dict(instance, network_info)
        if configdrive.required_by(instance):
            # Read-only at /config-drive in the container (cloud-init's ConfigDrive
            # datasource looks there); the files are Nova's, written by the C++.
            LOG.info('Using config drive', instance=instance)
            request['config_drive_files'] = nova_data.config_drive_files(
                instance, injected_files, admin_password, network_info)
        if request['vifs'] and CONF.boxcar.allow_unplugged_vifs:
            try:
                self._native.plan_interfaces(request['vifs'])
            except _native.AgentError as error:
                LOG.warning('Starting instance with loopback only: %s', error,
                            instance=instance)
        return request

    def spawn(self, context, instance, image_meta, injected_files, admin_password,
              allocations, network_info=None, block_device_info=None, power_on=True,
              accel_info=None):
        image = nova_data.image_dict(image_meta, instance)
        request = self._instance_request(instance, network_info, injected_files,
                                         admin_password)
        try:
            image_id = self._resolve_image(context, image)
            self._call(self._native.spawn, request, image, image_id)
            if not power_on:
                self._call(self._native.power_off, instance['uuid'], 0)
        except _native.Unavailable as error:
            # This host's agent is unreachable and the C++ left nothing in it (else the code
            # would not be UNAVAILABLE): another host can take the instance. Nova turns any
            # error but BuildAbortException into RescheduledException (naming the instance).
            self._spawns_left_nothing.add(instance['uuid'])
            raise BoxcarError(reason=str(error))
        except _native.AgentError as error:
            # Nothing is left in the agent (the C++ removes what it made, or says it could
            # not); no other host would do better with this image or flavor, and the reason
            # must reach the instance's fault, so the build is aborted, not rescheduled.
            raise BoxcarBuildAbort(instance_uuid=instance['uuid'], reason=str(error))

    def destroy(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True, destroy_secrets=True):
        # Reverting a resize on the server's own host, Nova destroys "the destination's"
        # instance before finish_revert_migration restores "the source's": both are this one
        # container, which must stay (finish_revert_migration gives it its old limits back).
        if (instance.get('task_state') == task_states.RESIZE_REVERTING and
                self._reverting_on_this_host(context, instance)):
            LOG.info('Keeping the container: its resize on this host is being reverted',
                     instance=instance)
            return
        # The container's rootfs is its disk: it goes with the container.
        try:
            self._call(self._native.destroy, instance['uuid'])
        except _native.Unavailable as error:
            if instance['uuid'] not in self._spawns_left_nothing:
                raise BoxcarError(reason=str(error))
            # Nova cleans up before rescheduling; the failed spawn left nothing to remove.
            LOG.warning('Not removing the container of a spawn that left none: %s', error,
                        instance=instance)
        except _native.AgentError as error:
            raise BoxcarError(reason=str(error))
        self._spawns_left_nothing.discard(instance['uuid'])

    def cleanup(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True, migrate_data=None, destroy_vifs=True,
                destroy_secrets=True):
        # destroy removed everything; removing again is a no-op, and covers a cleanup that
        # Nova calls without a destroy first.
        self.destroy(context, instance, network_info, block_device_info, destroy_disks)

    def reboot(self, context, instance, network_info, reboot_type,
               block_device_info=None, bad_volumes_callback=None, accel_info=None):
        self._instance_call(self._native.reboot, instance, reboot_type == 'HARD')

    def power_off(self, instance, timeout=0, retry_interval=0):
        self._instance_call(self._native.power_off, instance, int(timeout or 0))

    def power_on(self, context, instance, network_info, block_device_info=None,
                 accel_info=None):
        self._instance_call(self._native.power_on, instance)

    def pause(self, instance):
        self._instance_call(self._native.pause, instance)

    def unpause(self, instance):
        self._instance_call(self._native.unpause, instance)

    def suspend(self, context, instance):
        # Containers have no memory image to save: suspend freezes them, as pause does, and
        # get_info reports SUSPENDED while Nova's vm_state says so.
        self._instance_call(self._native.pause, instance)

    def resume(self, context, instance, network_info, block_device_info=None):
        self._instance_call(self._native.unpause, instance)

    def resume_state_on_host_boot(self, context, instance, network_info,
                                  block_device_info=None):
        self._instance_call(self._native.resume_after_host_boot, instance)

    def poll_rebooting_instances(self, timeout, instances):
        # Reboots finish inside reboot(): none is ever pending.
        pass

    def rescue(self, context, instance, network_info, image_meta, rescue_password,
               block_device_info):
        raise NotImplementedError('Boxcar containers have no rescue mode: use '
                                  '`boxcar exec` on the host, or rebuild the instance')

    def unrescue(self, context, instance):
        raise NotImplementedError('Boxcar containers have no rescue mode')

    def trigger_crash_dump(self, instance):
        # Containers have no kernel of their own to dump: a clean refusal, as libvirt's.
        raise exception.TriggerCrashDumpNotSupported()

    # -- images --------------------------------------------------------------------------

    def snapshot(self, context, instance, image_id, update_task_state):
        try:
            boxcar_image = self._call(self._native.commit_snapshot, instance['uuid'],
                                      image_id)
        except _native.NotFound:
            raise exception.InstanceNotRunning(instance_id=instance['uuid'])
        except _native.AgentError as error:
            raise BoxcarError(reason=str(error))
        update_task_state(task_state=task_states.IMAGE_PENDING_UPLOAD)
        snapshot = self._image_api.get(context, image_id)
        metadata = {
            'name': snapshot['name'],
            'container_format': 'docker',
            'disk_format': 'raw',
            'properties': {'boxcar_config_digest': boxcar_image,
                           'image_location': 'snapshot',
                           'instance_uuid': instance['uuid']},
        }
        update_task_state(task_state=task_states.IMAGE_UPLOADING,
                          expected_state=task_states.IMAGE_PENDING_UPLOAD)
        self._push_image(context, instance, boxcar_image, image_id, metadata)

    def _push_image(self, context, instance, boxcar_image, image_id, metadata):
        """Uploads agent image `boxcar_image` into Glance image `image_id`: the agent pushes
        it, or nova-compute streams it; `metadata` (if any) is then set on the image."""
        try:
            outcome = self._call(self._native.push_snapshot, boxcar_image, image_id,
                                 self._credentials(context))
            if outcome['needs_download']:
                LOG.info('Uploading image %s through nova-compute (%s)', image_id,
                         outcome['why'], instance=instance)
                image_streams.upload_snapshot(self._image_api, context, image_id,
                                              metadata or {}, boxcar_image, self._native,
                                              self._call)
            elif metadata:
                self._image_api.update(context, image_id, metadata, purge_props=False)
        except _native.AgentError as error:
            raise BoxcarError(reason=str(error))

    # -- consoles and diagnostics --------------------------------------------------------

    def get_console_output(self, context, instance):
        output = self._instance_call(self._native.console_output, instance)
        return output.decode('utf-8', 'replace')

    def get_diagnostics(self, instance):
        diagnostics = self._instance_call(self._native.diagnostics, instance,
                                          instance['vm_state'] or '')
        return {
            'state': diagnostics['container_state'],
            'cpu0_time': diagnostics['cpu_time_ns'],
            'memory': diagnostics['memory_limit_bytes'] // 1024,
            'memory-rss': diagnostics['memory_usage_bytes'] // 1024,
            'vda_read': diagnostics['block_read_bytes'],
            'vda_write': diagnostics['block_write_bytes'],
            'processes': diagnostics['pids_current'],
            'uptime': diagnostics['uptime_seconds'],
        }

    def get_instance_diagnostics(self, instance):
        diagnostics = self._instance_call(self._native.diagnostics, instance,
                                          instance['vm_state'] or '')
        result = diagnostics_obj.Diagnostics(
            state=_POWER_STATE_NAMES.get(diagnostics['power_state'], 'pending'),
            hypervisor=fields.HVType.DOCKER, hypervisor_os='linux',
            uptime=diagnostics['uptime_seconds'], config_drive=False)
        result.add_cpu(id=0, time=diagnostics['cpu_time_ns'])
        result.add_disk(read_bytes=diagnostics['block_read_bytes'],
                        write_bytes=diagnostics['block_write_bytes'])
        result.memory_details = diagnostics_obj.MemoryDiagnostics(
            maximum=diagnostics['memory_limit_bytes'] // (1024 * 1024),
            used=diagnostics['memory_usage_bytes'] // (1024 * 1024))
        return result

    # -- networking: VIFs of vif_type bridge as veths on the VIF's bridge ------------------

    def _check_vifs(self, network_info):
        try:
            return self._native.plan_interfaces(nova_data.vif_dicts(network_info))
        except _native.AgentError as error:
            raise exception.VirtualInterfacePlugException(str(error))

    def plug_vifs(self, instance, network_info):
        self._check_vifs(network_info)
        try:
            self._call(self._native.plug_interfaces, instance['uuid'],
                       nova_data.vif_dicts(network_info))
        except _native.NotFound:
            raise exception.InstanceNotFound(instance_id=instance['uuid'])
        except _native.AgentError as error:
            raise exception.VirtualInterfacePlugException(str(error))

    def unplug_vifs(self, instance, network_info):
        try:
            self._call(self._native.unplug_interfaces, instance['uuid'],
                       nova_data.vif_dicts(network_info))
        except _native.AgentError as error:
            # Nova unplugs on its way to deleting: log, the container's removal takes the rest.
            LOG.warning('Unplugging VIFs failed: %s', error, instance=instance)

    def attach_interface(self, context, instance, image_meta, vif):
        try:
            self._call(self._native.attach_interface, instance['uuid'],
                       nova_data.vif_dicts([vif]))
        except _native.NotFound:
            raise exception.InstanceNotFound(instance_id=instance['uuid'])
        except _native.AgentError as error:
            LOG.error('Attaching port %s failed: %s', vif.get('id'), error, instance=instance)
            raise exception.InterfaceAttachFailed(instance_uuid=instance['uuid'])

    def detach_interface(self, context, instance, vif):
        try:
            self._call(self._native.detach_interface, instance['uuid'],
                       nova_data.vif_dicts([vif]))
        except _native.NotFound as error:
            LOG.warning('Detaching port %s: %s', vif.get('id'), error, instance=instance)
            raise exception.NotFound(str(error))
        except _native.AgentError as error:
            LOG.error('Detaching port %s failed: %s', vif.get('id'), error, instance=instance)
            raise exception.InterfaceDetachFailed(instance_uuid=instance['uuid'])

    def network_binding_host_id(self, context, instance):
        return instance.get('host')
