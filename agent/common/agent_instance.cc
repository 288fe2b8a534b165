#include "common/agent_instance.h"

#include "common/atomic_file.h"
#include "common/identifiers.h"

namespace boxcar {

namespace {

bool IsInstanceId(const std::string& text) { return text.size() == 12 && IsHexPrefix(text); }

}  // namespace

StatusOr<std::string> LoadOrCreateAgentInstanceId(const std::string& root_dir) {
  const std::string path = root_dir + "/instance-id";
  if (auto stored = ReadFileToString(path); stored.ok()) {
    std::string id = *stored;
    while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
    if (IsInstanceId(id)) return id;
  }
  std::string id = ShortId(NewContainerId());
  RETURN_IF_ERROR(WriteFileAtomically(path, id + "\n", 0600).Annotate("agent instance id"));
  return id;
}

}  // namespace boxcar
