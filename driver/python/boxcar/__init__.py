# The Boxcar compute driver for Nova: nova.conf [DEFAULT] compute_driver = boxcar.BoxcarDriver
# Nova imports it as nova.virt.boxcar (deploy/install-nova-driver.sh puts it there).
from nova.virt.boxcar import driver

BoxcarDriver = driver.BoxcarDriver
