#include "cli/image_pull_policy.h"

#include <cstdio>

#include "boxcar/v1/distribution.pb.h"
#include "cli/container_calls.h"
#include "cli/image_pull_call.h"

namespace boxcar::cli {

namespace {

constexpr const char* kMissingImagePrefix = "spec.image: no image '";

bool IsHex(const std::string& text) {
  return text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

void AddImagePullFlags(CLI::App* command, ImagePullFlags& flags) {
  command
      ->add_option("--pull", flags.policy,
                   "Pull the image first: missing (when the agent has none by that reference), "
                   "always, never (default missing)")
      ->check(CLI::IsMember({"missing", "always", "never"}));
  command->add_option("--platform", flags.platform,
                      "os/arch[/variant] to pull from a multi-platform image (linux/amd64)");
  command->add_flag("-q,--quiet", flags.quiet, "No pull progress");
}

bool IsMissingImage(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::NOT_FOUND &&
         status.error_message().rfind(kMissingImagePrefix, 0) == 0;
}

bool IsPullableReference(const std::string& image) {
  if (image.empty() || image.rfind("sha256:", 0) == 0) return false;
  return !(image.size() == 64 && IsHex(image));
}

ContainerImagePuller::ContainerImagePuller(AgentConnection& agent, const ImagePullFlags& flags,
                                           std::string image)
    : agent_(agent), flags_(flags), image_(std::move(image)) {}

grpc::Status ContainerImagePuller::BeforeCreate() {
  if (flags_.policy != "always" || !IsPullableReference(image_)) return grpc::Status::OK;
  return Pull();
}

bool ContainerImagePuller::PullIfMissing(grpc::Status* failed) {
  if (pulled_ || flags_.policy != "missing" || !IsMissingImage(*failed) ||
      !IsPullableReference(image_)) {
    return false;
  }
  std::fprintf(stderr, "Unable to find image '%s' locally; pulling it\n", image_.c_str());
  grpc::Status pulled = Pull();
  if (!pulled.ok()) {
    *failed = pulled;
    return false;
  }
  return true;
}

grpc::Status ContainerImagePuller::Create(const v1::ContainerSpec& spec, v1::Container* created) {
  grpc::Status status = CreateContainer(agent_, spec, created);
  if (PullIfMissing(&status)) status = CreateContainer(agent_, spec, created);
  return status;
}

grpc::Status ContainerImagePuller::Pull() {
  pulled_ = true;
  v1::PullRequest request;
  request.set_source(image_);
  request.set_platform(flags_.platform);
  v1::Image image;
  return PullImage(agent_, request, flags_.quiet, &image);
}

}  // namespace boxcar::cli
