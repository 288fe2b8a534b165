// `--pull missing|always|never`, `--platform` and `-q` of `boxcar run` and `boxcar create`: an
// image the agent does not have is pulled from its registry first, as `docker run` does, so
// that "push to a registry, run it on another host" needs no separate pull.
//
// The agent is asked to create first; only its "no image" answer leads to a pull (the run path
// of an image the agent has makes no extra call).
#pragma once

#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <string>

#include "boxcar/v1/containers.pb.h"
#include "cli/agent_connection.h"

namespace boxcar::cli {

struct ImagePullFlags {
  std::string policy = "missing";  // missing | always | never
  std::string platform;            // os/arch[/variant], for the pull
  bool quiet = false;              // no pull progress
};

void AddImagePullFlags(CLI::App* command, ImagePullFlags& flags);

// True when a create failed only because the agent has no image by the reference it was given.
bool IsMissingImage(const grpc::Status& status);

// Whether a registry could hold `image`: a reference, not an image id (sha256:<hex>, 64 hex).
bool IsPullableReference(const std::string& image);

// The pulls of one `run` or `create`.
class ContainerImagePuller {
 public:
  ContainerImagePuller(AgentConnection& agent, const ImagePullFlags& flags, std::string image);

  // --pull always: pulls the reference before the create; OK for the other policies.
  grpc::Status BeforeCreate();
  // After a create failed with `*failed`: true when the image was missing and has now been
  // pulled (create again). False leaves `*failed` to report, replaced by the pull's own
  // failure when the pull was tried and failed.
  bool PullIfMissing(grpc::Status* failed);
  // CreateContainer (cli/container_calls.h), again after PullIfMissing.
  grpc::Status Create(const v1::ContainerSpec& spec, v1::Container* created);

 private:
  grpc::Status Pull();

  AgentConnection& agent_;
  const ImagePullFlags& flags_;
  const std::string image_;
  bool pulled_ = false;  // at most one pull per command
};

}  // namespace boxcar::cli
