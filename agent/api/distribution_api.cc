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

// A transfer on a server stream: progress messages while it runs, then one message that
// `set_result` fills with what it made.
template <typename Response, typename Transfer, typename SetResult>
grpc::Status StreamTransfer(grpc::ServerContext* context, grpc::ServerWriter<Response>* writer,
                            const Transfer& transfer, const SetResult& set_result) {
  std::mutex write_mutex;
  auto result = transfer(StreamProgress(writer, &write_mutex),
                         [context] { return context->IsCancelled(); });
  if (!result.ok()) return ToGrpcStatus(result.status());
  Response last;
  set_result(&last, std::move(*result));
  writer->Write(last);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status DistributionApi::Pull(grpc::ServerContext* context, const v1::PullRequest* request,
                                   grpc::ServerWriter<v1::PullResponse>* writer) {
  return StreamTransfer(
      context, writer,
      [&](const TransferProgressSink& progress, const TransferCancelCheck& cancelled) {
        return distribution_->Pull(*request, progress, cancelled);
      },
      [](v1::PullResponse* last, v1::Image image) { *last->mutable_image() = std::move(image); });
}

grpc::Status DistributionApi::Push(grpc::ServerContext* context, const v1::PushRequest* request,
                                   grpc::ServerWriter<v1::PushResponse>* writer) {
  return StreamTransfer(
      context, writer,
      [&](const TransferProgressSink& progress, const TransferCancelCheck& cancelled) {
        return distribution_->Push(*request, progress, cancelled);
      },
      [](v1::PushResponse* last, v1::PushResult result) {
        *last->mutable_result() = std::move(result);
      });
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
