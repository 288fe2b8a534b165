#!/usr/bin/env bash
# Installs the Boxcar compute driver (nova.virt.boxcar: the Python adapter and its C++ module,
# as deploy/build.sh built them) for Debian's nova-compute (python3-nova), in one of two ways:
#   install-nova-driver.sh [--prefix DIR]   (default /usr/local)
#       the package goes to DIR/lib/boxcar/nova/boxcar/ and a launcher to
#       DIR/bin/boxcar-nova-compute, which runs nova-compute with that directory on
#       nova.virt's path: Debian's files stay untouched. Start nova-compute through it.
#   install-nova-driver.sh --into-nova
#       the package goes into nova.virt itself (.../dist-packages/nova/virt/boxcar/), so the
#       stock nova-compute loads it; a python3-nova upgrade leaves it in place.
# Then set in nova.conf: [DEFAULT] compute_driver = boxcar.BoxcarDriver, and [boxcar]
# agent_socket (docs/openstack.md).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BOXCAR_BUILD_DIR:-$repo/build}
prefix=/usr/local
into_nova=0
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) prefix=$2; shift 2 ;;
    --into-nova) into_nova=1; shift ;;
    *) echo "install-nova-driver.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
package=$build/driver/python/boxcar
if ! ls "$package"/_native*.so >/dev/null 2>&1; then
  echo "install-nova-driver.sh: no driver module in $package: run deploy/build.sh first" >&2
  exit 1
fi
python=/usr/bin/python3
virt_dir=$("$python" -c 'import os, nova.virt; print(os.path.dirname(nova.virt.__file__))') || {
  echo "install-nova-driver.sh: Debian's python3-nova is not installed" >&2; exit 1; }

copy_package() {  # DEST: a fresh copy, swapped in whole so nova-compute never sees half of it
  local dest=$1 staging
  staging=$(mktemp -d "$(dirname "$dest")/.boxcar.XXXXXX")
  cp "$package"/*.py "$package"/_native*.so "$staging/"
  chmod 0755 "$staging"
  rm -rf "$dest.old"
  [ -e "$dest" ] && mv "$dest" "$dest.old"
  mv "$staging" "$dest"
  rm -rf "$dest.old"
}

if [ $into_nova = 1 ]; then
  copy_package "$virt_dir/boxcar"
  echo "installed nova.virt.boxcar into $virt_dir/boxcar"
else
  parent=$prefix/lib/boxcar/nova
  mkdir -p "$parent" "$prefix/bin"
  copy_package "$parent/boxcar"
  sed "s|@PACKAGE_PARENT@|$parent|" "$repo/deploy/nova/boxcar-nova-compute.in" \
    > "$prefix/bin/boxcar-nova-compute.tmp"
  chmod 0755 "$prefix/bin/boxcar-nova-compute.tmp"
  mv "$prefix/bin/boxcar-nova-compute.tmp" "$prefix/bin/boxcar-nova-compute"
  echo "installed $parent/boxcar and $prefix/bin/boxcar-nova-compute"
fi
# The module loads and the driver class is there (no agent needed for this).
if [ $into_nova = 1 ]; then
  "$python" -c 'from nova.virt.boxcar import driver; print("nova.virt.boxcar:", driver.BoxcarDriver.__name__)'
else
  "$python" -c "import nova.virt; nova.virt.__path__.append('$parent'); from nova.virt.boxcar import driver; print('nova.virt.boxcar:', driver.BoxcarDriver.__name__)"
fi
