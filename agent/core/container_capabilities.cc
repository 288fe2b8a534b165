#include "core/container_capabilities.h"

#include <sys/capability.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "launch/launch_spec.h"

namespace boxcar {

namespace {

constexpr int kAll = -1;

// How many capabilities the running kernel has (libcap reads /proc/sys/kernel/cap_last_cap).
unsigned KernelCapabilities() { return std::min(static_cast<unsigned>(::cap_max_bits()), 64u); }

uint64_t AllCapabilities() {
  const unsigned bits = KernelCapabilities();
  return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
}

// The capability number of `name`, or kAll.
StatusOr<int> CapabilityNumber(const std::string& name, const std::string& field) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lower == "all") return kAll;
  if (lower.rfind("cap_", 0) != 0) lower = "cap_" + lower;
  cap_value_t value = 0;
  // libcap also takes numbers ("12"); Docker does not, nor do we.
  const bool named = !lower.empty() && !std::isdigit(static_cast<unsigned char>(lower[4])) &&
                     ::cap_from_name(lower.c_str(), &value) == 0;
  if (!named || value < 0 || static_cast<unsigned>(value) >= KernelCapabilities()) {
    return InvalidArgument(field + ": unknown capability '" + name +
                           "' (capabilities(7) names such as NET_ADMIN or CAP_SYS_TIME, or ALL)");
  }
  return static_cast<int>(value);
}

struct Listed {
  uint64_t mask = 0;
  bool all = false;
};

StatusOr<Listed> ListedCapabilities(const google::protobuf::RepeatedPtrField<std::string>& names,
                                    const std::string& field) {
  Listed listed;
  for (int i = 0; i < names.size(); ++i) {
    ASSIGN_OR_RETURN(int number, CapabilityNumber(names[i], field + "[" + std::to_string(i) + "]"));
    if (number == kAll) {
      listed.all = true;
    } else {
      listed.mask |= uint64_t{1} << number;
    }
  }
  return listed;
}

}  // namespace

StatusOr<uint64_t> KeptCapabilitiesOf(const v1::ContainerSpec& spec) {
  ASSIGN_OR_RETURN(Listed added, ListedCapabilities(spec.cap_add(), "spec.cap_add"));
  ASSIGN_OR_RETURN(Listed dropped, ListedCapabilities(spec.cap_drop(), "spec.cap_drop"));
  // As Docker's: a privileged container keeps every capability; the lists are still checked.
  if (spec.privileged()) return AllCapabilities();
  if (added.all) return AllCapabilities() & ~dropped.mask;
  if (dropped.all) return added.mask;
  return (kDefaultKeptCapabilities & ~dropped.mask) | added.mask;
}

}  // namespace boxcar
