// The driver's settings (nova.conf [boxcar], registered by the Python adapter).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace boxcar::nova {

// How a Glance image reaches the agent's store (and a snapshot reaches Glance).
enum class ImageTransfer {
  // The agent's Distribution service, and nova-compute's own Glance client when the agent has
  // no Glance transport (kUnimplemented).
  kAuto,
  // Only the agent's Distribution service (the agent talks to Glance with the caller's token).
  kAgent,
  // Only nova-compute's Glance client, streamed into Images.Import / out of Images.Save
  // (in-process test harnesses whose Glance is a fixture, hosts whose agent cannot reach
  // Glance).
  kCompute,
};

struct DriverOptions {
  // Backend of new containers; the agent's default when empty.
  std::string backend;
  // nova.conf's instances_path: instances' config drives are written under it.
  std::string instances_path;
  // Whole-disk block device for quota:disk_*_bytes_sec; empty refuses those specs.
  std::string throttle_device;
  // Most processes (and threads) an instance's container may have when its flavor has no
  // boxcar:pids_limit; 0 = no limit.
  uint64_t pids_limit = 4096;
  // A soft reboot waits this long for the payload to stop before it is killed.
  uint32_t soft_reboot_timeout_seconds = 30;
  ImageTransfer image_transfer = ImageTransfer::kAuto;
  // Start instances whose VIFs cannot be plugged yet with loopback only (their VIFs are not
  // looked at), instead of refusing them.
  bool allow_unplugged_vifs = false;
  // get_console_output keeps the last this many bytes of the payload's output.
  size_t console_max_bytes = 100 * 1024;
  // A failed spawn removes what it created; while the agent is unreachable (restarting) it
  // keeps trying this long.
  std::chrono::milliseconds cleanup_retry_for{30000};
  std::chrono::milliseconds cleanup_retry_interval{250};
  // How to wait between retries; tests make it instant.
  std::function<void(std::chrono::milliseconds)> sleep;
};

}  // namespace boxcar::nova
