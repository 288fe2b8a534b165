#include "backends/backend.h"

namespace boxcar {

std::vector<std::string> BackendCapabilities::Names() const {
  std::vector<std::string> names;
  if (limits) names.push_back("limits");
  if (pause) names.push_back("pause");
  if (exec) names.push_back("exec");
  if (networking) names.push_back("networking");
  if (checkpoint) names.push_back("checkpoint");
  if (survives_agent_restart) names.push_back("survives-agent-restart");
  if (prewarm) names.push_back("prewarm");
  if (userns) names.push_back("userns");
  return names;
}

}  // namespace boxcar
