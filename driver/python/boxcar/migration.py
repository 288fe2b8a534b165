"""What a move (resize, cold migration) needs besides the agent: which kind of move it is,
the temporary Glance image that carries the container's changes between hosts, and the
disk_info that names it. The container work is C++ (driver/core/instance_moves.cc)."""

from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova import exception
from nova import objects

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
