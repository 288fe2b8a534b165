"""What every Nova test of the driver needs first: Nova's own test tree importable, the
driver package from the build tree loadable as nova.virt.boxcar (as deploy/ installs it),
and the agent's binaries found (ctest passes their paths)."""

import os

import nova.virt

PACKAGE_PARENT = os.environ.get('BOXCAR_NOVA_PACKAGE_PARENT', '')
if PACKAGE_PARENT and PACKAGE_PARENT not in nova.virt.__path__:
    # Nova imports compute_driver "boxcar.BoxcarDriver" as nova.virt.boxcar.
    nova.virt.__path__.append(PACKAGE_PARENT)

# Nova's in-process API needs api-paste.ini, which python3-nova lacks (nova-common ships it;
# deploy/install-deps.sh extracts it).
API_PASTE = os.environ.get('BOXCAR_NOVA_API_PASTE',
                           '/var/cache/boxcar-deps/nova-common/api-paste.ini')
