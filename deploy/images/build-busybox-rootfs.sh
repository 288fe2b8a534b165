#!/usr/bin/env bash
# Builds the bundled busybox image as a rootfs tarball from Debian's busybox-static, offline.
# The tarball is reproducible: sorted names, numeric root owners, a fixed mtime.
# Usage: build-busybox-rootfs.sh OUTPUT.tar [BUSYBOX_BINARY]
set -euo pipefail
out=${1:?usage: $0 OUTPUT.tar [BUSYBOX_BINARY]}
busybox=${2:-/bin/busybox}
[ -x "$busybox" ] || { echo "$0: $busybox missing: apt-get install busybox-static" >&2; exit 1; }
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' || ldd "$busybox" 2>&1 | grep -q 'not a dynamic' \
  || { echo "$0: $busybox is not statically linked: install busybox-static" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
r=$work/rootfs
mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc,root,run,var,home}
chmod 1777 "$r/tmp"
cp "$busybox" "$r/bin/busybox"
# Applet links, relative so the tree is correct wherever it is unpacked.
for applet in $("$busybox" --list-full); do
  dir=$(dirname "$applet")
  [ "$applet" = bin/busybox ] && continue
  mkdir -p "$r/$dir"
  if [ "$dir" = . ]; then target=bin/busybox; else target=$(echo "$dir" | sed -e 's|[^/]*|..|g')/bin/busybox; fi
  ln -sf "$target" "$r/$applet"
done
cat > "$r/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat > "$r/etc/group" <<'GROUP'
root:x:0:
daemon:x:1:
tty:x:5:
nogroup:x:65534:
GROUP
echo 'hosts: files' > "$r/etc/nsswitch.conf"
tar --sort=name --numeric-owner --owner=0 --group=0 --mtime='2024-01-01 00:00:00Z' \
  -C "$r" -cf "$out.tmp" .
mv "$out.tmp" "$out"
