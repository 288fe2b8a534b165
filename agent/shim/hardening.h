// Default hardening of a container's init, applied after pivot_root and before exec: masked
// and read-only /proc paths, a reduced capability bounding set and a seccomp filter
// (no_new_privs only when the container asks for it: shim/process_setup.h). Each function
// returns "" on success or a message naming what failed.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace boxcar {

// The policy as data, so that every backend applies the same one (the chroot shim through the
// functions below, the lxc backend through LXC's configuration keys).

// A capability kept in the bounding set: its number and its capabilities(7) name in lower case
// without "cap_" ("chown", "net_raw"), as lxc.cap.keep spells it.
struct KeptCapability {
  int number;
  const char* name;
};
std::span<const KeptCapability> KeptCapabilities();
// A system call the default filter refuses, unless `lifted_by` (a capability number, -1 for
// none) is in the container's bounding set: Docker's profile lets mount through with
// CAP_SYS_ADMIN, settimeofday with CAP_SYS_TIME, and so on.
struct DeniedSyscall {
  const char* name;
  int lifted_by;
};
// Hidden inside the container: a directory gets an empty read-only tmpfs, a file /dev/null.
std::span<const char* const> MaskedPaths();
// Made read-only inside the container.
std::span<const char* const> ReadOnlyPaths();
// System calls that fail with EPERM (names unknown on this architecture are skipped).
std::span<const DeniedSyscall> DeniedSyscalls();
// Whether `syscall` is refused for a container keeping `kept_capabilities`.
bool IsDenied(const DeniedSyscall& syscall, uint64_t kept_capabilities);
// clone() fails with EPERM when its flags contain any of these (new namespaces), unless
// CAP_SYS_ADMIN is kept; clone3, whose flags a filter cannot read, fails with ENOSYS so that
// libc falls back to clone.
std::span<const uint64_t> DeniedCloneFlags();
bool CloneFlagsDenied(uint64_t kept_capabilities);

// KeptCapabilities() as a mask: Docker's default set minus CAP_MKNOD (no device nodes can be
// made inside): CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP,
// NET_BIND_SERVICE, NET_RAW, SYS_CHROOT, AUDIT_WRITE, SETFCAP. As CapBnd: 0x00000000a00425fb.
uint64_t DefaultCapabilityMask();

// Hides /proc/kcore, /proc/keys, ... (bind /dev/null or an empty read-only tmpfs) and makes
// /proc/sys, /proc/sysrq-trigger, /proc/irq, /proc/bus and /proc/fs read-only.
std::string HardenProc();
// Drops every capability outside `kept` (a mask of capability numbers; LaunchSpec's
// kept_capabilities) from the bounding set; what exec grants afterwards is limited to it.
std::string DropCapabilities(uint64_t kept);
std::string SetNoNewPrivileges();
// The default seccomp filter allows everything but kernel-wide or escape-prone calls (module
// loading, mount, kexec, reboot, swap, clock setting, bpf, perf, keyrings, new namespaces,
// ...), which get EPERM; clone3 gets ENOSYS so that libc falls back to clone, whose flags a
// filter can inspect.
//
// PrepareSeccompFilter compiles it to BPF for a container keeping `kept` capabilities
// (libseccomp, ~0.2 ms), which a shim does for the default set while it waits for its spec;
// InstallSeccompFilter then only hands the program to the kernel (it compiles again when the
// container keeps another set). Needs CAP_SYS_ADMIN, or no_new_privs set before.
std::string PrepareSeccompFilter(uint64_t kept);
std::string InstallSeccompFilter(uint64_t kept);

}  // namespace boxcar
