"""The driver's moves (resize, cold migration; live migration refused) as ColdMoves, a mixin
of BoxcarDriver, and what they need besides the agent: which kind of move it is, the
temporary Glance image that carries the container's changes between hosts, and the disk_info
that names it. The container work is C++ (driver/core/instance_moves.cc)."""

from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova.compute import power_state
import nova.conf
from nova import exception
from nova import objects

from nova.virt.boxcar import _native
from nova.virt.boxcar.errors import BoxcarError
from nova.virt.boxcar import nova_data

CONF = nova.conf.CONF

LOG = logging.getLogger(__name__)

# disk_info's only entry, and where the source keeps the Glance image's id until the move is
# confirmed or reverted (in case the destination never deleted it).
DISK_INFO_TYPE = 'boxcar-migration-image'
SYSMETA_KEY = 'boxcar_migration_image'


def is_same_host(migration):
    return migration.source_compute == migration.dest_compute


def current_migration(context, instance, status):
    """The instance's migration in `status` ('migrating' while the source works, 'reverting'
    during a revert), or None. Looked up by status: the instance's migration_context is not
    always loaded (nor loadable) on the object Nova hands the driver."""
    try:
        return objects.Migration.get_by_instance_and_status(
            context.elevated(), instance['uuid'], status)
    except exception.MigrationNotFound:
        return None
    except Exception as error:  # an object without a DB behind it (Nova's own driver tests)
        LOG.debug('No migration record: %s', error, instance=instance)
        return None


def stays_on_host(context, instance, dest, my_ip, my_host):
    """migrate_disk_and_power_off's question: is `dest` this host? The migration record says
    (two services may share an address); without one, the address does."""
    migration = current_migration(context, instance, 'migrating')
    if migration is not None:
        return is_same_host(migration)
    return dest in (my_ip, my_host)


def disk_info(glance_image_id):
    return jsonutils.dumps([{'type': DISK_INFO_TYPE, 'glance_image_id': glance_image_id}])


def glance_image_of(disk_info_json):
    for entry in jsonutils.loads(disk_info_json or '[]'):
        if entry.get('type') == DISK_INFO_TYPE:
            return entry['glance_image_id']
    raise exception.MigrationError(
        reason='disk_info names no Boxcar migration image (was the source host running the '
               'Boxcar driver?): %s' % disk_info_json)


def create_glance_image(image_api, context, name, instance, boxcar_image):
    """A private image of the instance's owner (the request's token), named so an operator
    recognises it; deleted once the destination has it."""
    return image_api.create(context, {
        'name': name,
        'is_public': False,
        'container_format': 'docker',
        'disk_format': 'raw',
        'properties': {'boxcar_config_digest': boxcar_image,
                       'image_location': 'boxcar-migration',
                       'instance_uuid': instance['uuid']},
    })['id']


def delete_glance_image(image_api, context, image_id, instance):
    """Deletes the temporary image; gone already is fine, a failure is logged (the move
    itself went through) with what to do."""
    try:
        image_api.delete(context, image_id)
    except exception.ImageNotFound:
        pass
    except Exception as error:
        LOG.warning('Could not delete the migration image %s from Glance (%s): delete it '
                    'with `openstack image delete %s`', image_id, error, image_id,
                    instance=instance)


_NO_LIVE_MIGRATION = ('Boxcar containers cannot be moved to another host while they run (no '
                      'checkpoint/restore): use a cold migration (`openstack server '
                      'migrate`), which stops the server, or a resize')


class ColdMoves(object):
    """BoxcarDriver's moves (a mixin: self is the driver, its _call, _instance_call,
    power_on/off, get_info, destroy, _push_image, _resolve_image, _instance_request)."""

    # -- moves -----------------------------------------------------------------------------
    # Live migration is refused before anything is touched (no CRIU here): the server stays
    # as it was. Resize and cold migration work (docs/openstack.md, "Migration and resize").

    def check_can_live_migrate_destination(self, context, instance, src_compute_info,
                                           dst_compute_info, block_migration=False,
                                           disk_over_commit=False):
        # The conductor tries the next host, then gives up with the server unchanged.
        raise exception.MigrationPreCheckError(reason=_NO_LIVE_MIGRATION)

    def check_can_live_migrate_source(self, context, instance, dest_check_data,
                                      block_device_info=None):
        raise exception.MigrationPreCheckError(reason=_NO_LIVE_MIGRATION)

    def _reverting_on_this_host(self, context, instance):
        found = current_migration(context, instance, 'reverting')
        return found is not None and is_same_host(found)

    def migrate_disk_and_power_off(self, context, instance, dest, flavor, network_info,
                                   block_device_info=None, timeout=0, retry_interval=0):
        uuid = instance['uuid']
        if stays_on_host(context, instance, dest, CONF.my_ip, CONF.host):
            # Checked before the container stops: a refusal (InstanceFaultRollback) leaves
            # the server as it was, with the reason in the resize action's event.
            try:
                self._call(self._native.check_resize_in_place, uuid,
                           nova_data.flavor_dict(flavor))
            except _native.AgentError as error:
                raise exception.InstanceFaultRollback(
                    inner_exception=exception.ResizeError(reason=str(error)))
            self.power_off(instance, timeout, retry_interval)
            return jsonutils.dumps([])
        # To another host: the container's changes go there as an image, through a private
        # Glance image of the instance's owner that the destination deletes once it has it.
        was_running = self.get_info(instance).state == power_state.RUNNING
        self.power_off(instance, timeout, retry_interval)
        glance_id = None
        try:
            boxcar_image = self._instance_call(self._native.commit_for_migration, instance)
            glance_id = create_glance_image(
                self._image_api, context, self._native.migration_image_name(uuid), instance,
                boxcar_image)
            self._push_image(context, instance, boxcar_image, glance_id, metadata=None)
        except Exception as error:
            LOG.error('Migration of the container failed, the server stays here: %s', error,
                      instance=instance)
            if glance_id is not None:
                delete_glance_image(self._image_api, context, glance_id, instance)
            self._forget_migration_image(instance)
            if was_running:
                try:
                    self.power_on(context, instance, network_info)
                except Exception as start_error:
                    LOG.error('And starting it again failed: %s', start_error,
                              instance=instance)
            raise exception.InstanceFaultRollback(
                inner_exception=exception.MigrationError(reason=str(error)))
        instance.system_metadata[SYSMETA_KEY] = glance_id
        return disk_info(glance_id)

    def finish_migration(self, context, migration, instance, disk_info, network_info,
                         image_meta, resize_instance, allocations, block_device_info=None,
                         power_on=True):
        if is_same_host(migration):
            # instance.flavor is the new flavor now.
            self._instance_call(self._native.apply_flavor, instance,
                                nova_data.flavor_dict(instance.flavor))
            if power_on:
                self.power_on(context, instance, network_info)
            return
        glance_id = glance_image_of(disk_info)
        carried = None
        try:
            carried = nova_data.glance_image_dict(self._image_api.get(context, glance_id))
            image_id = self._resolve_image(context, carried)
            # The boot's image, not the carrier, names the command and the image label.
            request = self._instance_request(instance, network_info, None, None)
            self._call(self._native.spawn, request,
                       nova_data.image_dict(image_meta, instance), image_id)
            if not power_on:
                self._call(self._native.power_off, instance['uuid'], 0)
        except _native.AgentError as error:
            raise BoxcarError(reason=str(error))
        finally:
            # In any outcome: the data is in this agent's store (or the move failed) and the
            # Glance image has done its job.
            if carried is not None:
                try:
                    self._call(self._native.forget_image, carried)
                except _native.AgentError as error:
                    LOG.warning('%s', error, instance=instance)
            delete_glance_image(self._image_api, context, glance_id, instance)
            instance.system_metadata.pop(SYSMETA_KEY, None)

    def _forget_migration_image(self, instance):
        try:
            self._call(self._native.remove_migration_image, instance['uuid'])
        except _native.AgentError as error:
            LOG.warning('%s (remove it with `boxcar image rm`)', error, instance=instance)

    def _clean_up_after_move(self, context, instance):
        """The source's part after a move to another host was confirmed or reverted: the
        committed image, and the Glance image should the destination not have deleted it."""
        self._forget_migration_image(instance)
        glance_id = instance.system_metadata.pop(SYSMETA_KEY, None)
        if glance_id:
            delete_glance_image(self._image_api, context, glance_id, instance)

    def confirm_migration(self, context, migration, instance, network_info):
        if is_same_host(migration):
            return  # one container, which has the new flavor already
        self.destroy(context, instance, network_info)
        self._clean_up_after_move(context, instance)

    def finish_revert_migration(self, context, instance, network_info, migration,
                                block_device_info=None, power_on=True):
        # instance.flavor is the old flavor again. After a move to another host the old
        # container still has it (applying it again changes nothing) and its VIFs (the agent
        # plugs them at each start).
        self._instance_call(self._native.apply_flavor, instance,
                            nova_data.flavor_dict(instance.flavor))
        if not is_same_host(migration):
            self._clean_up_after_move(context, instance)
        if power_on:
            self.power_on(context, instance, network_info)
