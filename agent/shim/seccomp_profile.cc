#include "shim/seccomp_profile.h"

#include <errno.h>
#include <rapidjson/document.h>
#include <seccomp.h>
#include <sys/capability.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

namespace boxcar {

namespace {

using Json = rapidjson::Value;

struct FilterRelease {
  void operator()(void* filter) const { ::seccomp_release(filter); }
};
using Filter = std::unique_ptr<void, FilterRelease>;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

// "SCMP_ACT_ERRNO" with `errno_value` (or EPERM) to libseccomp's action.
bool ActionOf(const std::string& name, int errno_value, uint32_t* action) {
  static const std::map<std::string, uint32_t> kActions = {
      {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
      {"SCMP_ACT_KILL", SCMP_ACT_KILL},
      {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
      {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
      {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
      {"SCMP_ACT_LOG", SCMP_ACT_LOG},
  };
  if (name == "SCMP_ACT_ERRNO") {
    *action = SCMP_ACT_ERRNO(static_cast<uint16_t>(errno_value));
    return true;
  }
  if (name == "SCMP_ACT_TRACE") {
    *action = SCMP_ACT_TRACE(static_cast<uint16_t>(errno_value));
    return true;
  }
  auto it = kActions.find(name);
  if (it == kActions.end()) return false;
  *action = it->second;
  return true;
}

bool OperatorOf(const std::string& name, scmp_compare* op) {
  static const std::map<std::string, scmp_compare> kOperators = {
      {"SCMP_CMP_NE", SCMP_CMP_NE},
      {"SCMP_CMP_LT", SCMP_CMP_LT},
      {"SCMP_CMP_LE", SCMP_CMP_LE},
      {"SCMP_CMP_EQ", SCMP_CMP_EQ},
      {"SCMP_CMP_GE", SCMP_CMP_GE},
      {"SCMP_CMP_GT", SCMP_CMP_GT},
      {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
  };
  auto it = kOperators.find(name);
  if (it == kOperators.end()) return false;
  *op = it->second;
  return true;
}

// "SCMP_ARCH_X86_64" to libseccomp's token; 0 when unknown.
uint32_t ArchitectureOf(const std::string& name) {
  if (name.rfind("SCMP_ARCH_", 0) != 0) return 0;
  return ::seccomp_arch_resolve_name(Lower(name.substr(10)).c_str());
}

// This machine's architecture as Docker's includes/excludes name it (Go's GOARCH).
std::string NativeArchitectureName() {
  switch (::seccomp_arch_native()) {
    case SCMP_ARCH_X86_64:
      return "amd64";
    case SCMP_ARCH_X86:
      return "386";
    case SCMP_ARCH_AARCH64:
      return "arm64";
    case SCMP_ARCH_ARM:
      return "arm";
    case SCMP_ARCH_PPC64LE:
      return "ppc64le";
    case SCMP_ARCH_S390X:
      return "s390x";
    case SCMP_ARCH_RISCV64:
      return "riscv64";
    default:
      return "";
  }
}

// The running kernel's "major.minor" is at least `version` ("4.8").
bool KernelAtLeast(const std::string& version) {
  struct utsname name {};
  ::uname(&name);
  unsigned major = 0, minor = 0, want_major = 0, want_minor = 0;
  std::sscanf(name.release, "%u.%u", &major, &minor);
  std::sscanf(version.c_str(), "%u.%u", &want_major, &want_minor);
  return major != want_major ? major > want_major : minor >= want_minor;
}

class ProfileCompiler {
 public:
  // `policy`, when given, receives what the filter holds.
  ProfileCompiler(uint64_t kept, SeccompPolicy* policy) : kept_(kept), policy_(policy) {}

  // The filter, or "" with `error` set.
  Filter Compile(const std::string& profile_json, std::string* error) {
    rapidjson::Document document;
    document.Parse(profile_json.c_str(), profile_json.size());
    if (document.HasParseError() || !document.IsObject()) {
      *error =
          "not a JSON object (Docker's seccomp profile format; the CLI reads "
          "--security-opt seccomp=FILE into it)";
      return nullptr;
    }
    error_ = error;
    int default_errno = EPERM;
    if (!ReadErrno(document, "defaultErrnoRet", "", &default_errno)) return nullptr;
    if (!document.HasMember("defaultAction") || !document["defaultAction"].IsString()) {
      Fail("defaultAction: missing (SCMP_ACT_ERRNO, SCMP_ACT_ALLOW, ...)");
      return nullptr;
    }
    const std::string default_name = document["defaultAction"].GetString();
    if (!ActionOf(default_name, default_errno, &default_action_)) {
      Fail("defaultAction: unknown action '" + default_name + "'");
      return nullptr;
    }
    if (policy_ != nullptr) *policy_ = {default_name, default_action_, {}};
    Filter filter(::seccomp_init(default_action_));
    if (!filter) {
      Fail("seccomp_init failed");
      return nullptr;
    }
    // Without no_new_privs: the shim loads it as root, as runc does (shim/process_setup.h).
    ::seccomp_attr_set(filter.get(), SCMP_FLTATR_CTL_NNP, 0);
    if (!AddArchitectures(document, filter.get())) return nullptr;
    if (document.HasMember("syscalls")) {
      const Json& syscalls = document["syscalls"];
      if (!syscalls.IsArray()) {
        Fail("syscalls: not an array");
        return nullptr;
      }
      for (rapidjson::SizeType i = 0; i < syscalls.Size(); ++i) {
        if (!AddEntry(syscalls[i], "syscalls[" + std::to_string(i) + "]", filter.get()))
          return nullptr;
      }
    }
    return filter;
  }

 private:
  bool Fail(const std::string& message) {
    *error_ = message;
    return false;
  }

  bool ReadErrno(const Json& object, const char* key, const std::string& where, int* out) {
    if (!object.HasMember(key)) return true;
    const Json& value = object[key];
    if (!value.IsUint() || value.GetUint() > 4095)
      return Fail(where + key + ": not an errno number");
    *out = static_cast<int>(value.GetUint());
    return true;
  }

  bool AddArchitecture(const Json& name, const std::string& where, scmp_filter_ctx filter) {
    const uint32_t token = name.IsString() ? ArchitectureOf(name.GetString()) : 0;
    if (token == 0) {
      return Fail(where + ": unknown architecture" +
                  (name.IsString() ? " '" + std::string(name.GetString()) + "'" : ""));
    }
    int rc = ::seccomp_arch_add(filter, token);
    if (rc != 0 && rc != -EEXIST) return Fail(where + ": seccomp_arch_add failed");
    return true;
  }

  // `architectures`, and the archMap entry of this machine with its subArchitectures.
  bool AddArchitectures(const Json& document, scmp_filter_ctx filter) {
    if (document.HasMember("architectures")) {
      const Json& list = document["architectures"];
      if (!list.IsArray()) return Fail("architectures: not an array");
      for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
        if (!AddArchitecture(list[i], "architectures[" + std::to_string(i) + "]", filter))
          return false;
      }
    }
    if (!document.HasMember("archMap")) return true;
    const Json& map = document["archMap"];
    if (!map.IsArray()) return Fail("archMap: not an array");
    for (rapidjson::SizeType i = 0; i < map.Size(); ++i) {
      const std::string where = "archMap[" + std::to_string(i) + "]";
      const Json& entry = map[i];
      if (!entry.IsObject() || !entry.HasMember("architecture"))
        return Fail(where + ".architecture: missing");
      const Json& architecture = entry["architecture"];
      if (architecture.IsString() && ArchitectureOf(architecture.GetString()) == 0)
        return Fail(where + ".architecture: unknown architecture '" +
                    std::string(architecture.GetString()) + "'");
      if (!architecture.IsString() ||
          ArchitectureOf(architecture.GetString()) != ::seccomp_arch_native())
        continue;
      if (!AddArchitecture(architecture, where + ".architecture", filter)) return false;
      if (!entry.HasMember("subArchitectures")) continue;
      const Json& subs = entry["subArchitectures"];
      if (!subs.IsArray()) return Fail(where + ".subArchitectures: not an array");
      for (rapidjson::SizeType j = 0; j < subs.Size(); ++j) {
        if (!AddArchitecture(subs[j], where + ".subArchitectures[" + std::to_string(j) + "]",
                             filter))
          return false;
      }
    }
    return true;
  }

  // Whether the includes (`wanted`) or excludes (!`wanted`) of an entry select it: caps all in
  // the bounding set, this machine's architecture listed, the kernel at least minKernel.
  bool Selects(const Json& filter_object, const std::string& where, bool wanted, bool* selected) {
    *selected = true;
    if (!filter_object.IsObject()) return Fail(where + ": not an object");
    if (filter_object.HasMember("caps")) {
      const Json& caps = filter_object["caps"];
      if (!caps.IsArray()) return Fail(where + ".caps: not an array");
      for (rapidjson::SizeType i = 0; i < caps.Size(); ++i) {
        cap_value_t number = 0;
        if (!caps[i].IsString() ||
            ::cap_from_name(Lower(caps[i].GetString()).c_str(), &number) != 0)
          return Fail(where + ".caps[" + std::to_string(i) + "]: unknown capability");
        const bool kept = number < 64 && (kept_ & (uint64_t{1} << number));
        if (wanted && !kept) *selected = false;
        if (!wanted && kept) *selected = false;
      }
    }
    if (filter_object.HasMember("arches")) {
      const Json& arches = filter_object["arches"];
      if (!arches.IsArray()) return Fail(where + ".arches: not an array");
      bool listed = false;
      for (const Json& arch : arches.GetArray()) {
        if (arch.IsString() && arch.GetString() == NativeArchitectureName()) listed = true;
      }
      if (arches.Size() > 0 && listed != wanted) *selected = false;
    }
    if (filter_object.HasMember("minKernel")) {
      const Json& version = filter_object["minKernel"];
      if (!version.IsString()) return Fail(where + ".minKernel: not a string");
      if (version.GetStringLength() > 0 && KernelAtLeast(version.GetString()) != wanted)
        *selected = false;
    }
    return true;
  }

  bool ReadArgs(const Json& entry, const std::string& where, std::vector<scmp_arg_cmp>* args) {
    if (!entry.HasMember("args") || entry["args"].IsNull()) return true;
    const Json& list = entry["args"];
    if (!list.IsArray()) return Fail(where + ".args: not an array");
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
      const std::string at = where + ".args[" + std::to_string(i) + "]";
      const Json& arg = list[i];
      if (!arg.IsObject() || !arg.HasMember("index") || !arg["index"].IsUint() ||
          arg["index"].GetUint() > 5)
        return Fail(at + ".index: not an argument number 0-5");
      scmp_compare op{};
      if (!arg.HasMember("op") || !arg["op"].IsString() || !OperatorOf(arg["op"].GetString(), &op))
        return Fail(at + ".op: unknown operator (SCMP_CMP_EQ, SCMP_CMP_MASKED_EQ, ...)");
      uint64_t value = 0, value_two = 0;
      for (auto [key, out] : {std::pair{"value", &value}, std::pair{"valueTwo", &value_two}}) {
        if (!arg.HasMember(key)) continue;
        if (!arg[key].IsUint64()) return Fail(at + "." + key + ": not an unsigned number");
        *out = arg[key].GetUint64();
      }
      args->push_back({arg["index"].GetUint(), op, value, value_two});
    }
    return true;
  }

  // libseccomp takes one comparison per argument in a rule: with two on the same argument, each
  // comparison becomes a rule of its own (either matching), as runc does.
  bool AddRules(scmp_filter_ctx filter, const SeccompRule& rule, int number) {
    bool repeated_index = false;
    for (size_t i = 0; i < rule.args.size(); ++i) {
      for (size_t j = i + 1; j < rule.args.size(); ++j)
        repeated_index |= rule.args[i].arg == rule.args[j].arg;
    }
    std::vector<std::vector<scmp_arg_cmp>> comparisons;
    if (!repeated_index) {
      comparisons.push_back(rule.args);
    } else {
      for (const scmp_arg_cmp& arg : rule.args) comparisons.push_back({arg});
    }
    for (const auto& args : comparisons) {
      int rc = ::seccomp_rule_add_array(filter, rule.action, number, args.size(), args.data());
      if (rc != 0) {
        return Fail(rule.where + ": libseccomp refused the rule: " + std::strerror(-rc));
      }
      if (policy_ == nullptr) continue;
      policy_->rules.push_back(rule);
      policy_->rules.back().args = args;
    }
    return true;
  }

  bool AddEntry(const Json& entry, const std::string& where, scmp_filter_ctx filter) {
    if (!entry.IsObject()) return Fail(where + ": not an object");
    for (auto [key, wanted] : {std::pair{"includes", true}, std::pair{"excludes", false}}) {
      if (!entry.HasMember(key)) continue;
      bool selected = true;
      if (!Selects(entry[key], where + "." + key, wanted, &selected)) return false;
      if (!selected) return CheckNames(entry, where);  // still checked, not added
    }
    int errno_value = EPERM;
    if (!ReadErrno(entry, "errnoRet", where + ".", &errno_value)) return false;
    uint32_t action = 0;
    if (!entry.HasMember("action") || !entry["action"].IsString() ||
        !ActionOf(entry["action"].GetString(), errno_value, &action)) {
      return Fail(where + ".action: unknown action" +
                  (entry.HasMember("action") && entry["action"].IsString()
                       ? " '" + std::string(entry["action"].GetString()) + "'"
                       : ""));
    }
    std::vector<scmp_arg_cmp> args;
    if (!ReadArgs(entry, where, &args)) return false;
    std::vector<std::pair<std::string, int>> syscalls;
    if (!CheckNames(entry, where, &syscalls)) return false;
    // libseccomp refuses a rule that repeats the default action; it changes nothing anyway.
    if (action == default_action_) return true;
    for (const auto& [name, number] : syscalls) {
      const SeccompRule rule{where, entry["action"].GetString(), action, name, args};
      if (!AddRules(filter, rule, number)) return false;
    }
    return true;
  }

  // names[] (or the older single name): each must be a system call libseccomp knows.
  bool CheckNames(const Json& entry, const std::string& where,
                  std::vector<std::pair<std::string, int>>* syscalls = nullptr) {
    std::vector<std::pair<std::string, const Json*>> names;
    if (entry.HasMember("names")) {
      if (!entry["names"].IsArray()) return Fail(where + ".names: not an array");
      for (rapidjson::SizeType i = 0; i < entry["names"].Size(); ++i)
        names.push_back({where + ".names[" + std::to_string(i) + "]", &entry["names"][i]});
    }
    if (entry.HasMember("name")) names.push_back({where + ".name", &entry["name"]});
    if (names.empty()) return Fail(where + ": no names");
    for (const auto& [at, name] : names) {
      const int number =
          name->IsString() ? ::seccomp_syscall_resolve_name(name->GetString()) : __NR_SCMP_ERROR;
      if (number == __NR_SCMP_ERROR) {
        return Fail(at + ": unknown system call" +
                    (name->IsString() ? " '" + std::string(name->GetString()) + "'" : ""));
      }
      if (syscalls != nullptr) syscalls->push_back({name->GetString(), number});
    }
    return true;
  }

  uint64_t kept_;
  SeccompPolicy* policy_;
  uint32_t default_action_ = 0;
  std::string* error_ = nullptr;
};

}  // namespace

std::string CheckSeccompProfile(const std::string& profile_json, uint64_t kept_capabilities) {
  return ReadSeccompProfile(profile_json, kept_capabilities, nullptr);
}

std::string ReadSeccompProfile(const std::string& profile_json, uint64_t kept_capabilities,
                               SeccompPolicy* policy) {
  std::string error;
  Filter filter = ProfileCompiler(kept_capabilities, policy).Compile(profile_json, &error);
  return filter ? "" : error;
}

const std::set<std::string>& SeccompBasicActions() {
  static const std::set<std::string> kActions = {
      "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP"};
  return kActions;
}

std::string SeccompActionOutside(const std::string& profile_json, uint64_t kept_capabilities,
                                 const std::set<std::string>& actions) {
  SeccompPolicy policy;
  if (!ReadSeccompProfile(profile_json, kept_capabilities, &policy).empty()) return "";
  if (!actions.count(policy.default_action_name))
    return "defaultAction: " + policy.default_action_name;
  for (const SeccompRule& rule : policy.rules) {
    if (!actions.count(rule.action_name)) return rule.where + ".action: " + rule.action_name;
  }
  return "";
}

std::string InstallSeccompProfile(const std::string& profile_json, uint64_t kept_capabilities) {
  std::string error;
  Filter filter = ProfileCompiler(kept_capabilities, nullptr).Compile(profile_json, &error);
  if (!filter) return "seccomp profile: " + error;
  if (int rc = ::seccomp_load(filter.get()); rc != 0)
    return std::string("load the seccomp profile: ") + std::strerror(-rc);
  return "";
}

}  // namespace boxcar
