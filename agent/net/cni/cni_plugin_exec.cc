#include "net/cni/cni_plugin_exec.h"

#include <rapidjson/document.h>

#include "common/program_run.h"
#include "net/cni/cni_conflist.h"

namespace boxcar {

namespace {

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

Status PluginError(const std::string& what, const std::string& stdout_bytes,
                   const std::string& stderr_bytes) {
  rapidjson::Document error;
  error.Parse(stdout_bytes.c_str(), stdout_bytes.size());
  if (error.HasParseError() || !error.IsObject() || !error.HasMember("msg")) {
    std::string said = Trimmed(stderr_bytes.empty() ? stdout_bytes : stderr_bytes);
    return Internal(what + " failed" + (said.empty() ? "" : ": " + said));
  }
  int code = error.HasMember("code") && error["code"].IsInt() ? error["code"].GetInt() : 0;
  std::string message = error["msg"].IsString() ? error["msg"].GetString() : "";
  if (error.HasMember("details") && error["details"].IsString() &&
      error["details"].GetStringLength() > 0) {
    message += " (" + std::string(error["details"].GetString()) + ")";
  }
  message = what + ": " + message + " [CNI error " + std::to_string(code) + "]";
  if (message.find("no IP addresses available") != std::string::npos) {
    return ResourceExhausted(message);
  }
  switch (code) {
    case 1:
    case 2:
    case 6:
    case 7:
      return InvalidArgument(message);
    case 11:
      return Unavailable(message);
    default:
      return Internal(message);
  }
}

}  // namespace

StatusOr<std::string> CniPluginExec::Run(const std::string& type, const CniInvocation& invocation,
                                         const std::string& stdin_json) const {
  const std::string what = "CNI plugin " + type + " " + invocation.command;
  ASSIGN_OR_RETURN(std::string path, FindCniPlugin(type, cni_path_));
  std::string cni_path;
  for (const auto& dir : cni_path_) cni_path += (cni_path.empty() ? "" : ":") + dir;
  ProgramCall call;
  call.path = path;
  call.env = {"CNI_COMMAND=" + invocation.command,
              "CNI_CONTAINERID=" + invocation.container_id,
              "CNI_NETNS=" + invocation.netns,
              "CNI_IFNAME=" + invocation.ifname,
              "CNI_PATH=" + cni_path,
              "CNI_ARGS=" + invocation.args,
              std::string("PATH=") + kCniPluginPath};
  call.stdin_bytes = stdin_json;
  ASSIGN_OR_RETURN(ProgramOutput output, RunProgram(call));
  if (output.exit_code != 0) {
    return PluginError(what, output.stdout_bytes, output.stderr_bytes);
  }
  return output.stdout_bytes;
}

}  // namespace boxcar
