#include "cli/image_pull_call.h"

#include "cli/transfer_display.h"

namespace boxcar::cli {

grpc::Status PullImage(AgentConnection& agent, const v1::PullRequest& request, bool quiet,
                       v1::Image* pulled) {
  grpc::ClientContext context;
  auto reader = agent.distribution().Pull(&context, request);
  TransferDisplay display(quiet);
  v1::PullResponse response;
  while (reader->Read(&response)) {
    if (response.has_progress()) display.Update(response.progress());
    if (response.has_image()) *pulled = response.image();
  }
  grpc::Status status = reader->Finish();
  display.Finish();
  return status;
}

}  // namespace boxcar::cli
