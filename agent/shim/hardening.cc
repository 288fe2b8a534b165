#include "shim/hardening.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "common/unique_fd.h"
#include "launch/launch_spec.h"

namespace boxcar {

namespace {

constexpr KeptCapability kKeptCapabilities[] = {
    {CAP_CHOWN, "chown"},
    {CAP_DAC_OVERRIDE, "dac_override"},
    {CAP_FOWNER, "fowner"},
    {CAP_FSETID, "fsetid"},
    {CAP_KILL, "kill"},
    {CAP_SETGID, "setgid"},
    {CAP_SETUID, "setuid"},
    {CAP_SETPCAP, "setpcap"},
    {CAP_NET_BIND_SERVICE, "net_bind_service"},
    {CAP_NET_RAW, "net_raw"},
    {CAP_SYS_CHROOT, "sys_chroot"},
    {CAP_AUDIT_WRITE, "audit_write"},
    {CAP_SETFCAP, "setfcap"},
};

constexpr const char* kMaskedPaths[] = {
    "/proc/asound",
    "/proc/acpi",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/sys/firmware",
    "/sys/devices/virtual/powercap",
};

constexpr const char* kReadOnlyPaths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

constexpr int kNever = -1;
// Docker's default profile: what a capability is for comes back with it.
constexpr DeniedSyscall kDeniedSyscalls[] = {
    {"acct", CAP_SYS_PACCT},
    {"add_key", kNever},
    {"adjtimex", CAP_SYS_TIME},
    {"bpf", CAP_SYS_ADMIN},
    {"clock_adjtime", CAP_SYS_TIME},
    {"clock_settime", CAP_SYS_TIME},
    {"create_module", kNever},
    {"delete_module", CAP_SYS_MODULE},
    {"finit_module", CAP_SYS_MODULE},
    {"fsconfig", CAP_SYS_ADMIN},
    {"fsmount", CAP_SYS_ADMIN},
    {"fsopen", CAP_SYS_ADMIN},
    {"fspick", CAP_SYS_ADMIN},
    {"get_kernel_syms", kNever},
    {"init_module", CAP_SYS_MODULE},
    {"ioperm", CAP_SYS_RAWIO},
    {"iopl", CAP_SYS_RAWIO},
    {"kexec_file_load", CAP_SYS_BOOT},
    {"kexec_load", CAP_SYS_BOOT},
    {"keyctl", kNever},
    {"lookup_dcookie", CAP_SYS_ADMIN},
    {"mount", CAP_SYS_ADMIN},
    {"mount_setattr", CAP_SYS_ADMIN},
    {"move_mount", CAP_SYS_ADMIN},
    {"name_to_handle_at", CAP_DAC_READ_SEARCH},
    {"nfsservctl", kNever},
    {"open_by_handle_at", CAP_DAC_READ_SEARCH},
    {"open_tree", CAP_SYS_ADMIN},
    {"perf_event_open", CAP_SYS_ADMIN},
    {"pivot_root", CAP_SYS_ADMIN},
    {"query_module", kNever},
    {"quotactl", CAP_SYS_ADMIN},
    {"reboot", CAP_SYS_BOOT},
    {"request_key", kNever},
    {"setns", CAP_SYS_ADMIN},
    {"settimeofday", CAP_SYS_TIME},
    {"stime", CAP_SYS_TIME},
    {"swapoff", CAP_SYS_ADMIN},
    {"swapon", CAP_SYS_ADMIN},
    {"syslog", CAP_SYSLOG},
    {"umount", CAP_SYS_ADMIN},
    {"umount2", CAP_SYS_ADMIN},
    {"unshare", CAP_SYS_ADMIN},
    {"uselib", kNever},
    {"userfaultfd", kNever},
    {"vm86", kNever},
    {"vm86old", kNever},
};

constexpr uint64_t kDeniedCloneFlags[] = {CLONE_NEWNS,     CLONE_NEWUTS, CLONE_NEWIPC,
                                          CLONE_NEWUSER,   CLONE_NEWPID, CLONE_NEWNET,
                                          CLONE_NEWCGROUP, CLONE_NEWTIME};

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

std::span<const KeptCapability> KeptCapabilities() { return kKeptCapabilities; }
std::span<const char* const> MaskedPaths() { return kMaskedPaths; }
std::span<const char* const> ReadOnlyPaths() { return kReadOnlyPaths; }
std::span<const DeniedSyscall> DeniedSyscalls() { return kDeniedSyscalls; }
std::span<const uint64_t> DeniedCloneFlags() { return kDeniedCloneFlags; }

bool IsDenied(const DeniedSyscall& syscall, uint64_t kept_capabilities) {
  return syscall.lifted_by == kNever || !(kept_capabilities & (uint64_t{1} << syscall.lifted_by));
}

bool CloneFlagsDenied(uint64_t kept_capabilities) {
  return !(kept_capabilities & (uint64_t{1} << CAP_SYS_ADMIN));
}

// LaunchSpec's default (launch/ sits below the shim) is this policy's table as a mask.
static_assert([] {
  uint64_t mask = 0;
  for (const KeptCapability& capability : kKeptCapabilities)
    mask |= uint64_t{1} << capability.number;
  return mask;
}() == kDefaultKeptCapabilities);

uint64_t DefaultCapabilityMask() { return kDefaultKeptCapabilities; }

std::string HardenProc() {
  for (const char* path : kMaskedPaths) {
    struct stat st;
    if (::lstat(path, &st) != 0) continue;  // not on this kernel
    int rc = S_ISDIR(st.st_mode) ? ::mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0")
                                 : ::mount("/dev/null", path, nullptr, MS_BIND, nullptr);
    if (rc != 0) return Errno(std::string("mask ") + path);
  }
  for (const char* path : kReadOnlyPaths) {
    if (::access(path, F_OK) != 0) continue;
    if (::mount(path, path, nullptr, MS_BIND | MS_REC, nullptr) != 0 ||
        ::mount(path, path, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, nullptr) != 0) {
      return Errno(std::string("make ") + path + " read-only");
    }
  }
  return "";
}

std::string DropCapabilities(uint64_t kept) {
  // One call a capability: dropping one already gone is fine, and the first number past the
  // kernel's last capability is EINVAL (numbers are contiguous), which ends the loop.
  for (int capability = 0; capability <= 63; ++capability) {
    if (kept & (uint64_t{1} << capability)) continue;
    if (::prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0) {
      if (errno == EINVAL) break;
      return Errno("drop capability " + std::to_string(capability) + " from the bounding set");
    }
  }
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
    return Errno("clear ambient capabilities");
  }
  return "";
}

std::string SetNoNewPrivileges() {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return Errno("set no_new_privs");
  return "";
}

namespace {

// The compiled filter of this process (PrepareSeccompFilter) and the capabilities it is for.
struct CompiledFilter {
  std::vector<sock_filter> program;
  uint64_t kept = 0;
};
CompiledFilter& SeccompProgram() {
  static CompiledFilter compiled;
  return compiled;
}

std::string AddDefaultRules(scmp_filter_ctx filter, uint64_t kept) {
  for (const DeniedSyscall& syscall : kDeniedSyscalls) {
    if (!IsDenied(syscall, kept)) continue;
    int number = ::seccomp_syscall_resolve_name(syscall.name);
    if (number == __NR_SCMP_ERROR) continue;  // not on this architecture
    if (::seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), number, 0) != 0) {
      return std::string("seccomp rule for ") + syscall.name;
    }
  }
  // clone with any namespace flag is refused; clone3 passes its flags in memory, where a
  // filter cannot look, so it reports ENOSYS and libc falls back to clone.
  if (!CloneFlagsDenied(kept)) return "";
  for (uint64_t flag : kDeniedCloneFlags) {
    if (::seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                           SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag)) != 0) {
      return "seccomp rule for clone";
    }
  }
  int clone3 = ::seccomp_syscall_resolve_name("clone3");
  if (clone3 != __NR_SCMP_ERROR &&
      ::seccomp_rule_add(filter, SCMP_ACT_ERRNO(ENOSYS), clone3, 0) != 0) {
    return "seccomp rule for clone3";
  }
  return "";
}

}  // namespace

std::string PrepareSeccompFilter(uint64_t kept) {
  if (!SeccompProgram().program.empty() && SeccompProgram().kept == kept) return "";
  scmp_filter_ctx filter = ::seccomp_init(SCMP_ACT_ALLOW);
  if (filter == nullptr) return "seccomp_init failed";
  std::string error = AddDefaultRules(filter, kept);
  // libseccomp writes the program to a descriptor; a memfd holds it for reading back.
  UniqueFd memory(::memfd_create("boxcar-seccomp", MFD_CLOEXEC));
  if (error.empty() && !memory) error = Errno("memfd_create for the seccomp filter");
  if (error.empty() && ::seccomp_export_bpf(filter, memory.get()) != 0) {
    error = "compile the seccomp filter";
  }
  ::seccomp_release(filter);
  if (!error.empty()) return error;
  struct stat st;
  if (::fstat(memory.get(), &st) != 0 || st.st_size <= 0 ||
      st.st_size % static_cast<off_t>(sizeof(sock_filter)) != 0) {
    return "the compiled seccomp filter has an odd size";
  }
  std::vector<sock_filter> program(static_cast<size_t>(st.st_size) / sizeof(sock_filter));
  if (::pread(memory.get(), program.data(), static_cast<size_t>(st.st_size), 0) != st.st_size) {
    return Errno("read the compiled seccomp filter");
  }
  SeccompProgram() = {std::move(program), kept};
  return "";
}

std::string InstallSeccompFilter(uint64_t kept) {
  if (std::string error = PrepareSeccompFilter(kept); !error.empty()) return error;
  std::vector<sock_filter>& program = SeccompProgram().program;
  struct sock_fprog fprog {};
  fprog.len = static_cast<unsigned short>(program.size());
  fprog.filter = program.data();
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0) {
    return Errno("load the seccomp filter");
  }
  return "";
}

}  // namespace boxcar
