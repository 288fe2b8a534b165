#include "api/distribution_api.h"

#include <mutex>

#include "api/grpc_status.h"

namespace boxcar {
namespace {

// Progress from several transfer threads, written to the stream one message at a time.
template <typename Response>
TransferProgressSink StreamProgress(grpc::ServerWriter<Response>* writer, std::mutex* mutex) {
  return [writer, mutex](const v1::TransferProgress& progress) {
    Response message;
    *message.mutable_progress() = progress;
    std::lock_guard<std::mutex> lock(*mutex);
    writer->Write(message);  // a caller gone meanwhile is seen by the cancel check
  };
}

}  // namespace

grpc::Status DistributionApi::Pull(grpc::ServerContext* context, const v1::PullRequest* request,
                                   grpc::ServerWriter<v1::PullResponse>* writer) {
  std::mutex write_mutex;
  auto image = distribution_->Pull(*request, StreamProgress(writer, &write_mutex),
                                   [context] { return context->IsCancelled(); });
  if (!image.ok()) return ToGrpcStatus(image.status());
  v1::PullResponse last;
  *last.mutable_image() = std::move(*image);
  writer->Write(last);
  return grpc::Status::OK;
}

grpc::Status DistributionApi::Push(grpc::ServerContext* context, const v1::PushRequest* request,
                                   grpc::ServerWriter<v1::PushResponse>* writer) {
  std::mutex write_mutex;
  auto result = distribution_->Push(*request, StreamProgress(writer, &write_mutex),
                                    [context] { return context->IsCancelled(); });
  if (!result.ok()) return ToGrpcStatus(result.status());
  v1::PushResponse last;
  *last.mutable_result() = std::move(*result);
  writer->Write(last);
  return grpc::Status::OK;
}

grpc::Status DistributionApi::Login(grpc::ServerContext*, const v1::LoginRequest* request,
                                    v1::LoginResponse*) {
  return ToGrpcStatus(distribution_->Login(*request));
}

grpc::Status DistributionApi::Logout(grpc::ServerContext*, const v1::LogoutRequest* request,
                                     v1::LogoutResponse* response) {
  auto removed = distribution_->Logout(*request);
  if (!removed.ok()) return ToGrpcStatus(removed.status());
  response->set_removed(*removed);
  return grpc::Status::OK;
}

}  // namespace boxcar
