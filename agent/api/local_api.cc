#include "api/local_api.h"

#include "api/remove_response.h"

namespace boxcar {

namespace {

v1::LocalResponse Failure(const Status& status, const std::string& failed_step = "") {
  v1::LocalResponse response;
  response.set_status_code(static_cast<int32_t>(status.code()));
  response.set_status_message(status.message());
  response.set_failed_step(failed_step);
  return response;
}

}  // namespace

std::string LocalApi::Handle(const StatusOr<std::string>& request) {
  if (!request.ok()) return Failure(request.status()).SerializeAsString();
  v1::LocalRequest parsed;
  if (!parsed.ParseFromString(*request)) {
    return Failure(InvalidArgument("request: not a boxcar.v1.LocalRequest")).SerializeAsString();
  }
  return Answer(parsed).SerializeAsString();
}

v1::LocalResponse LocalApi::Answer(const v1::LocalRequest& request) {
  switch (request.call_case()) {
    case v1::LocalRequest::kRunDetached: {
      std::string failed_step;
      auto started = containers_->RunDetached(request.run_detached().spec(), &failed_step);
      if (!started.ok()) return Failure(started.status(), failed_step);
      v1::LocalResponse response;
      *response.mutable_container() = std::move(*started);
      return response;
    }
    case v1::LocalRequest::kRemove: {
      const v1::RemoveContainerRequest& remove = request.remove();
      auto removed = containers_->Remove(remove.container(), remove.force(), remove.volumes());
      if (!removed.ok()) return Failure(removed.status());
      v1::LocalResponse response;
      *response.mutable_removed() = RemoveResponseOf(*removed);
      return response;
    }
    default:
      return Failure(Unimplemented(
          "request: a call the local socket does not serve (field " +
          std::to_string(static_cast<int>(request.call_case())) + "); use the gRPC socket"));
  }
}

}  // namespace boxcar
