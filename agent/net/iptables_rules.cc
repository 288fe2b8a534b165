#include "net/iptables_rules.h"

#include <unistd.h>

#include "common/program_run.h"
#include "net/cni/cni_plugin_exec.h"

namespace boxcar {

namespace {

StatusOr<ProgramOutput> Iptables(std::vector<std::string> args) {
  std::string path;
  for (const char* dir : {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
    const std::string candidate = std::string(dir) + "/iptables";
    if (::access(candidate.c_str(), X_OK) == 0) {
      path = candidate;
      break;
    }
  }
  if (path.empty()) return NotFound("iptables: not installed");
  ProgramCall call;
  call.path = path;
  call.argv = {"iptables", "-w", "5"};
  call.argv.insert(call.argv.end(), args.begin(), args.end());
  call.env = {std::string("PATH=") + kCniPluginPath};
  return RunProgram(call);
}

std::string Trimmed(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace

StatusOr<std::string> ListIptablesChain(const std::string& chain) {
  ASSIGN_OR_RETURN(ProgramOutput listed, Iptables({"-S", chain}));
  if (listed.exit_code != 0) {
    return NotFound("iptables -S " + chain + ": " + Trimmed(listed.stderr_bytes));
  }
  return listed.stdout_bytes;
}

Status EnsureIptablesRule(const std::string& chain, const std::vector<std::string>& rule) {
  std::vector<std::string> check{"-C", chain};
  check.insert(check.end(), rule.begin(), rule.end());
  ASSIGN_OR_RETURN(ProgramOutput checked, Iptables(check));
  if (checked.exit_code == 0) return OkStatus();
  std::vector<std::string> insert{"-I", chain, "1"};
  insert.insert(insert.end(), rule.begin(), rule.end());
  ASSIGN_OR_RETURN(ProgramOutput inserted, Iptables(insert));
  if (inserted.exit_code != 0) {
    return Internal("iptables -I " + chain + ": " + Trimmed(inserted.stderr_bytes));
  }
  return OkStatus();
}

Status DeleteIptablesRule(const std::string& chain, const std::vector<std::string>& rule) {
  std::vector<std::string> del{"-D", chain};
  del.insert(del.end(), rule.begin(), rule.end());
  for (int i = 0; i < 16; ++i) {
    auto deleted = Iptables(del);
    if (!deleted.ok() || deleted->exit_code != 0) break;
  }
  return OkStatus();
}

}  // namespace boxcar
