"""nova.conf [boxcar]: where the agent is and how the driver talks to it."""

from oslo_config import cfg

boxcar_group = cfg.OptGroup(
    'boxcar', title='Boxcar compute driver',
    help='Options of the Boxcar driver (compute_driver = boxcar.BoxcarDriver).')

boxcar_opts = [
    cfg.StrOpt('agent_socket', default='/run/boxcar/boxcard.sock',
               help="The unix socket of this host's boxcard."),
    cfg.IntOpt('rpc_timeout', default=60, min=1,
               help='Seconds an agent call that moves no image may take.'),
    cfg.IntOpt('transfer_timeout', default=1800, min=1,
               help='Seconds a pull, push, import, export or commit may take.'),
    cfg.StrOpt('backend', default='',
               help="Backend of new containers (chroot, lxc, ...); the agent's default "
                    "when empty."),
    cfg.StrOpt('image_transfer', default='auto', choices=[
        ('auto', "The agent's Distribution service; nova-compute's Glance client when "
                 'the agent has no Glance transport.'),
        ('agent', "Only the agent's Distribution service (Glance pulls and pushes with "
                  "the request's token)."),
        ('compute', "Only nova-compute's Glance client, streamed into and out of the "
                    'agent.'),
    ], help='How Glance images reach the agent and snapshots reach Glance.'),
    cfg.StrOpt('throttle_device', default='',
               help='Whole-disk block device (e.g. /dev/vda) of the file system under the '
                    "agent's root; flavors' quota:disk_read_bytes_sec, "
                    'quota:disk_write_bytes_sec, quota:disk_read_iops_sec and '
                    'quota:disk_write_iops_sec limit it. Empty: those extra specs are '
                    'refused.'),
    cfg.IntOpt('pids_limit', default=4096, min=0,
               help='Most processes and threads an instance may have, so that a fork bomb '
                    'in one cannot exhaust the host\'s process ids; a flavor\'s '
                    'boxcar:pids_limit extra spec overrides it. 0: no limit.'),
    cfg.IntOpt('soft_reboot_timeout', default=30, min=0,
               help='Seconds a soft reboot waits for the payload to stop before killing '
                    'it.'),
    cfg.BoolOpt('allow_unplugged_vifs', default=False,
                help='Boot instances with VIFs Boxcar cannot plug (vif_type other than '
                     'bridge, no bridge) with loopback only. False fails their boot.'),
    cfg.IntOpt('console_max_bytes', default=100 * 1024, min=1,
               help='get_console_output returns the last this many bytes.'),
    cfg.FloatOpt('cleanup_retry_seconds', default=30.0, min=0,
                 help='A failed spawn keeps trying this long to remove its container '
                      'while the agent is unreachable (restarting).'),
]


def register_opts(conf):
    conf.register_group(boxcar_group)
    conf.register_opts(boxcar_opts, group=boxcar_group)


def list_opts():
    return {boxcar_group: boxcar_opts}


def native_options(conf):
    """The options as the C++ driver takes them."""
    group = conf.boxcar
    return {
        'socket': group.agent_socket,
        'rpc_timeout': group.rpc_timeout,
        'transfer_timeout': group.transfer_timeout,
        'backend': group.backend,
        'image_transfer': group.image_transfer,
        'throttle_device': group.throttle_device,
        'instances_path': conf.instances_path,
        'pids_limit': group.pids_limit,
        'soft_reboot_timeout': group.soft_reboot_timeout,
        'allow_unplugged_vifs': group.allow_unplugged_vifs,
        'console_max_bytes': group.console_max_bytes,
        'cleanup_retry_seconds': group.cleanup_retry_seconds,
    }
