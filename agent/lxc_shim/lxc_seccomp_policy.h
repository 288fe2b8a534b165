// The seccomp policies boxcar-lxc-shim hands to liblxc (lxc.seccomp.profile), in LXC's
// policy language, format 2 (lxc.container.conf(5)): Boxcar's default filter, and a
// container's own profile of Docker's format (shim/seccomp_profile.h) as liblxc can say it.
#pragma once

#include <cstdint>
#include <string>

#include "shim/seccomp_profile.h"

namespace boxcar {

// The default: the DeniedSyscalls() still denied and namespace-creating clone() fail with
// EPERM, clone3 with ENOSYS, as the chroot shim's filter does.
std::string LxcSeccompProfile(uint64_t kept_capabilities);

// `policy` (every action in SeccompBasicActions(): LXC's language has allow, errno N, kill of
// the thread and trap; the lxc backend lacks "seccomp_every_action") as one "[all]" section: liblxc
// adds each rule for the native architecture and its compat ones (x86, x32 on x86_64), as a profile
// listing them does. Comparisons keep Docker's meaning: for SCMP_CMP_MASKED_EQ the profile's value
// is the mask and valueTwo the datum, which LXC writes [index,datum,op,mask].
std::string LxcSeccompPolicyText(const SeccompPolicy& policy);

}  // namespace boxcar
