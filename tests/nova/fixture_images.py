"""Real image data for Nova's Glance fixture: the bundled busybox rootfs made into a
docker-archive by umoci and skopeo (the tools FACTS.md's offline recipe uses), once per test
process."""

import os
import subprocess
import tempfile

BUSYBOX_ROOTFS_TAR = os.environ.get('BOXCAR_BUSYBOX_TAR', '')

_archive = None


def busybox_docker_archive():
    """The bytes of a docker-archive of busybox (Cmd /bin/sh), tagged localhost/busybox."""
    global _archive
    if _archive is None:
        with tempfile.TemporaryDirectory(prefix='boxcar-nova-image-') as work:
            rootfs = os.path.join(work, 'rootfs')
            os.mkdir(rootfs)
            subprocess.run(['tar', '-xf', BUSYBOX_ROOTFS_TAR, '-C', rootfs], check=True)
            layout = os.path.join(work, 'oci')

            def umoci(*args):
                subprocess.run(['umoci'] + list(args), check=True, capture_output=True,
                               cwd=work)

            umoci('init', '--layout', layout)
            umoci('new', '--image', layout + ':latest')
            umoci('insert', '--image', layout + ':latest', rootfs, '/')
            umoci('config', '--image', layout + ':latest', '--config.cmd', '/bin/sh',
                  '--config.env', 'PATH=/bin:/usr/bin:/sbin:/usr/sbin')
            umoci('gc', '--layout', layout)
            archive = os.path.join(work, 'busybox.tar')
            subprocess.run(['skopeo', 'copy', '-q', 'oci:%s:latest' % layout,
                            'docker-archive:%s:localhost/busybox:latest' % archive],
                           check=True, capture_output=True)
            with open(archive, 'rb') as data:
                _archive = data.read()
    return _archive
