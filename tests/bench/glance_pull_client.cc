// glance-pull-client SOCKET glance://ID: one Distribution.Pull with the OS_* variables' password
// credentials, as `boxcar image pull glance://ID` will send it; prints the image id. For
// glance-pull-bench.sh until the CLI's pull command lands (it is not part of the agent).
#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <iostream>

#include "boxcar/v1/distribution.grpc.pb.h"

namespace {
std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: glance-pull-client SOCKET glance://ID (credentials from OS_*)\n";
    return 2;
  }
  auto stub = boxcar::v1::Distribution::NewStub(
      grpc::CreateChannel(std::string("unix:") + argv[1], grpc::InsecureChannelCredentials()));
  boxcar::v1::PullRequest request;
  request.set_source(argv[2]);
  auto* auth = request.mutable_openstack();
  auth->set_auth_url(Env("OS_AUTH_URL"));
  auth->set_username(Env("OS_USERNAME"));
  auth->set_password(Env("OS_PASSWORD"));
  auth->set_project_name(Env("OS_PROJECT_NAME"));
  auth->set_glance_endpoint(Env("OS_IMAGE_URL"));
  grpc::ClientContext context;
  auto reader = stub->Pull(&context, request);
  boxcar::v1::PullResponse response;
  std::string id;
  while (reader->Read(&response)) {
    if (response.has_image()) id = response.image().id();
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) {
    std::cerr << "pull: " << status.error_message() << "\n";
    return 1;
  }
  std::cout << id << "\n";
  return 0;
}
