// ImageBuilder::CheckOptions: what a build's options say on their own, judged as they come in,
// before the context is uploaded (the build itself is image_builder.cc).
#include "build/image_builder.h"
#include "common/identifiers.h"
#include "core/container_spec_validation.h"

namespace boxcar {

Status ImageBuilder::CheckOptions(const v1::BuildOptions& options) const {
  for (int i = 0; i < options.tags_size(); ++i) {
    RETURN_IF_ERROR(
        ParseImageReference(options.tags(i), "options.tags[" + std::to_string(i) + "]").status());
  }
  for (const auto& [key, value] : options.labels()) {
    if (key.empty() || key.find_first_of("=\n") != std::string::npos) {
      return InvalidArgument("options.labels: key '" + key + "' is empty or has '=' or a newline");
    }
  }
  // A backend named that this agent lacks is reported before the context is sent, RUN or not
  // (each RUN's create checks it again; the default one is left to them).
  if (options.backend().empty()) return OkStatus();
  return AvailableBackend(containers_->backends(), options.backend(), "options.backend").status();
}

}  // namespace boxcar
