#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine, as root: install everything, build, install
# boxcard/boxcar, start the agent with its embedded defaults, import the bundled busybox
# image and run a container from it. Safe to run again.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BOXCAR_BUILD_DIR:-$repo/build}
[ "$(id -u)" = 0 ] || { echo "quickstart.sh: run as root (sudo $0)" >&2; exit 1; }

echo "==> Installing Debian packages"
"$repo/deploy/install-deps.sh"
echo "==> Building"
"$repo/deploy/build.sh"
echo "==> Installing boxcard, boxcar, boxcar-shim and boxcar-lxc-shim into /usr/local"
cmake --install "$build" --prefix /usr/local >/dev/null

socket=/run/boxcar/boxcard.sock
if ! boxcar info >/dev/null 2>&1; then
  echo "==> Starting boxcard (log: /var/log/boxcard.log)"
  mkdir -p /var/log
  setsid boxcard >>/var/log/boxcard.log 2>&1 < /dev/null &
  for _ in $(seq 100); do boxcar info >/dev/null 2>&1 && break; sleep 0.1; done
  boxcar info >/dev/null || { echo "boxcard did not start; see /var/log/boxcard.log" >&2; exit 1; }
else
  echo "==> boxcard already running on $socket"
fi

if ! boxcar image inspect busybox >/dev/null 2>&1; then
  echo "==> Importing the bundled busybox image"
  boxcar image import /usr/local/share/boxcar/images/busybox-rootfs.tar busybox:latest --cmd sh \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
fi

echo "==> boxcar run --rm busybox echo hello from boxcar"
boxcar run --rm busybox echo hello from boxcar
echo "==> boxcar run --name demo busybox sh -c 'echo \"hostname: \$(hostname), pid \$\$, kernel \$(uname -r)\"'"
boxcar rm -f demo >/dev/null 2>&1 || true
boxcar run --name demo busybox sh -c 'echo "hostname: $(hostname), pid $$, kernel $(uname -r)"'
echo "==> boxcar ps -a"
boxcar ps -a
cat <<MSG

Boxcar is running. Try:  boxcar run --rm -m 64m busybox sh -c 'cat /proc/self/cgroup'
                         boxcar info;  boxcar image ls;  boxcar ps -a
Stop the agent with:     pkill -TERM -x boxcard   (containers keep running; restart with: boxcard &)
Remove the demo with:    boxcar rm demo
MSG
