#include "core/container_security_options.h"

#include <string>

#include "shim/seccomp_profile.h"

namespace boxcar {

namespace {

struct ParsedOptions {
  ProcessConfinement confinement;
  int seccomp_profile_index = -1;  // the option that gave confinement.seccomp_profile_json
};

// One option; `field` is "spec.security_opt[i]".
Status ApplyOption(const std::string& option, const std::string& field, int index,
                   ParsedOptions* parsed) {
  // "key=value", or Docker's older "key:value" (label:disable).
  const size_t equals = option.find('=');
  const size_t colon = option.find(':');
  const size_t split = equals != std::string::npos ? equals : colon;
  const std::string key = option.substr(0, split);
  const std::string value = split == std::string::npos ? "" : option.substr(split + 1);
  if (key == "no-new-privileges") {
    if (value.empty() || value == "true") {
      parsed->confinement.no_new_privileges = true;
    } else if (value == "false") {
      parsed->confinement.no_new_privileges = false;
    } else {
      return InvalidArgument(field + ": no-new-privileges takes true or false, not '" + value +
                             "'");
    }
    return OkStatus();
  }
  if (key == "seccomp") {
    parsed->confinement.seccomp_unconfined = false;
    parsed->confinement.seccomp_profile_json.clear();
    parsed->seccomp_profile_index = -1;
    if (value == "unconfined") {
      parsed->confinement.seccomp_unconfined = true;
    } else if (value.empty()) {
      return InvalidArgument(field +
                             ": seccomp takes unconfined, builtin or a profile's JSON text (the "
                             "CLI reads --security-opt seccomp=FILE into it)");
    } else if (value != "builtin") {
      // Checked by ValidateSecurityOptions ("not a JSON object" for a path).
      parsed->confinement.seccomp_profile_json = value;
      parsed->seccomp_profile_index = index;
    }
    return OkStatus();
  }
  // NOTE: Boxcar enforces no SELinux or AppArmor policy: turning them off is what a container
  // already has, so the options Docker users pass for that are accepted and change nothing.
  if ((key == "label" && value == "disable") || (key == "apparmor" && value == "unconfined")) {
    return OkStatus();
  }
  if (key == "label" || key == "apparmor") {
    return InvalidArgument(field + ": '" + option +
                           "' needs a policy Boxcar does not enforce (no SELinux or AppArmor); "
                           "only label=disable and apparmor=unconfined are accepted");
  }
  return InvalidArgument(field + ": unknown security option '" + option +
                         "' (no-new-privileges[=true|false], seccomp=unconfined|PROFILE, "
                         "label=disable, apparmor=unconfined)");
}

StatusOr<ParsedOptions> ParseOptions(const v1::ContainerSpec& spec) {
  ParsedOptions parsed;
  for (int i = 0; i < spec.security_opt_size(); ++i) {
    RETURN_IF_ERROR(ApplyOption(spec.security_opt(i),
                                "spec.security_opt[" + std::to_string(i) + "]", i, &parsed));
  }
  // As Docker's: a privileged container has no filter, whatever the options say.
  if (spec.privileged()) {
    parsed.confinement.seccomp_unconfined = true;
    parsed.confinement.seccomp_profile_json.clear();
  }
  return parsed;
}

}  // namespace

int SeccompProfileOptionIndex(const v1::ContainerSpec& spec) {
  StatusOr<ParsedOptions> parsed = ParseOptions(spec);
  return parsed.ok() && !spec.privileged() ? parsed->seccomp_profile_index : -1;
}

StatusOr<ProcessConfinement> ConfinementOf(const v1::ContainerSpec& spec) {
  if (spec.security_opt_size() == 0 && !spec.privileged()) return ProcessConfinement{};
  ASSIGN_OR_RETURN(ParsedOptions parsed, ParseOptions(spec));
  return parsed.confinement;
}

Status ValidateSecurityOptions(const v1::ContainerSpec& spec, uint64_t kept_capabilities) {
  if (spec.privileged() && spec.has_userns()) {
    return InvalidArgument(
        "spec.privileged: a privileged container shares the host's ids and devices; it cannot "
        "have a user namespace of its own (spec.userns)");
  }
  ASSIGN_OR_RETURN(ParsedOptions parsed, ParseOptions(spec));
  if (parsed.seccomp_profile_index < 0) return OkStatus();
  // From the option itself: a privileged container's confinement has no profile, yet the
  // profile must still be one.
  const std::string error = CheckSeccompProfile(
      spec.security_opt(parsed.seccomp_profile_index).substr(sizeof("seccomp=") - 1),
      kept_capabilities);
  if (error.empty()) return OkStatus();
  return InvalidArgument("spec.security_opt[" + std::to_string(parsed.seccomp_profile_index) +
                         "]: seccomp profile: " + error);
}

Status CheckSeccompBasicActions(const v1::ContainerSpec& spec, uint64_t kept_capabilities,
                                int index, const std::string& field,
                                const std::string& backend_name) {
  const std::string outside =
      SeccompActionOutside(spec.security_opt(index).substr(sizeof("seccomp=") - 1),
                           kept_capabilities, SeccompBasicActions());
  if (outside.empty()) return OkStatus();
  return InvalidArgument(field + ": seccomp profile: " + outside + ": backend '" + backend_name +
                         "' has only SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, "
                         "SCMP_ACT_KILL_THREAD and SCMP_ACT_TRAP (LXC's policy language); use "
                         "another action or backend chroot or libvirt");
}

}  // namespace boxcar
