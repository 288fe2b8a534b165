"""Nova objects -> the plain dicts the C++ driver takes (driver/python/plain_data.h)."""

import netaddr

from nova.api.metadata import base as instance_metadata
from nova.compute import flavors
from nova import objects
from nova import utils

# Keys Nova copies from an image's properties into system_metadata, with this prefix.
_IMAGE_PREFIX = utils.SM_IMAGE_PROP_PREFIX


def _flavor(instance):
    flavor = None
    if isinstance(instance, objects.Instance):
        try:
            flavor = instance.flavor
        except Exception:  # a DB-less object: fall back to system_metadata
            flavor = None
    if flavor is None:
        flavor = flavors.extract_flavor(instance)
    return flavor_dict(flavor)


def flavor_dict(flavor):
    extra_specs = {}
    if not hasattr(flavor, 'obj_attr_is_set') or flavor.obj_attr_is_set('extra_specs'):
        extra_specs = getattr(flavor, 'extra_specs', None) or {}
    return {
        'name': flavor['name'] or '',
        'memory_mb': int(flavor['memory_mb'] or 0),
        'vcpus': int(flavor['vcpus'] or 0),
        'root_gb': int(flavor['root_gb'] or 0),
        'ephemeral_gb': int(flavor['ephemeral_gb'] or 0),
        'extra_specs': {str(k): str(v) for k, v in extra_specs.items()},
    }


def instance_dict(instance, network_info=None):
    return {
        'uuid': instance['uuid'],
        'name': instance['name'],
        'hostname': instance['hostname'] or '',
        'project_id': instance['project_id'] or '',
        'user_id': instance['user_id'] or '',
        'vm_state': instance['vm_state'] or '',
        'flavor': _flavor(instance),
        'metadata': {str(k): str(v) for k, v in utils.instance_meta(instance).items()},
        'vifs': vif_dicts(network_info),
    }


def config_drive_files(instance, injected_files, admin_password, network_info):
    """The files Nova puts on a config drive (as the libvirt driver builds its ISO from),
    as (path, bytes) pairs."""
    extra_md = {'admin_pass': admin_password} if admin_password else {}
    metadata = instance_metadata.InstanceMetadata(
        instance, content=injected_files, extra_md=extra_md, network_info=network_info)
    return [(path, data if isinstance(data, bytes) else data.encode('utf-8'))
            for path, data in metadata.metadata_for_config_drive()]


def image_dict(image_meta, instance=None):
    """ImageMeta keeps only the properties Nova knows; the instance's system_metadata
    holds all of them (image_<key>), boxcar_config_digest among them."""
    properties = {}
    if instance is not None:
        for key, value in utils.instance_sys_meta(instance).items():
            if key.startswith(_IMAGE_PREFIX) and value is not None:
                properties[key[len(_IMAGE_PREFIX):]] = str(value)
    props = image_meta.properties if image_meta.obj_attr_is_set('properties') else None
    if props is not None:
        for field in props.fields:
            if props.obj_attr_is_set(field):
                properties[field] = str(getattr(props, field))

    def field(name):
        return getattr(image_meta, name) if image_meta.obj_attr_is_set(name) else None

    return {
        'id': field('id') or '',
        'name': field('name') or '',
        'container_format': field('container_format') or '',
        'disk_format': field('disk_format') or '',
        'size': int(field('size') or 0),
        'properties': properties,
    }


def glance_image_dict(image):
    """A Glance image as nova.image.glance.API.get returns it."""
    return {
        'id': image.get('id') or '',
        'name': image.get('name') or '',
        'container_format': image.get('container_format') or '',
        'disk_format': image.get('disk_format') or '',
        'size': int(image.get('size') or 0),
        'properties': {str(k): str(v)
                       for k, v in (image.get('properties') or {}).items()},
    }


def vif_dicts(network_info):
    vifs = []
    for vif in network_info or []:
        network = vif.get('network') or {}
        details = vif.get('details') or {}
        addresses, gateway_v4, gateway_v6, dns = [], '', '', []
        for subnet in network.get('subnets') or []:
            prefix = netaddr.IPNetwork(subnet['cidr']).prefixlen if subnet.get('cidr') else None
            for ip in subnet.get('ips') or []:
                addresses.append('%s/%s' % (ip['address'], prefix))
            gateway = (subnet.get('gateway') or {}).get('address')
            if gateway:
                if netaddr.IPAddress(gateway).version == 4:
                    gateway_v4 = gateway_v4 or gateway
                else:
                    gateway_v6 = gateway_v6 or gateway
            dns += [d['address'] for d in subnet.get('dns') or []]
        meta = network.get('meta') or {}
        vifs.append({
            'id': vif.get('id') or '',
            'type': vif.get('type') or '',
            'mac_address': vif.get('address') or '',
            'devname': vif.get('devname') or '',
            'bridge': network.get('bridge') or details.get('bridge_name') or '',
            'mtu': int(meta.get('mtu') or 0),
            'addresses': addresses,
            'gateway_v4': gateway_v4,
            'gateway_v6': gateway_v6,
            'dns_servers': dns,
            'create_bridge': bool(meta.get('should_create_bridge')),
        })
    return vifs


def credentials_dict(context, glance_endpoint, ca_file=None):
    """ca_file: nova.conf's [glance] cafile, the CA the agent trusts for Glance's TLS."""
    return {
        'token': (context.auth_token or '') if context else '',
        'glance_endpoint': glance_endpoint or '',
        'project_id': (context.project_id or '') if context else '',
        'ca_file': ca_file or '',
    }
