#include "api/builds_api.h"

#include <spdlog/spdlog.h>

#include "api/grpc_status.h"
#include "build/context_upload.h"

namespace boxcar {

grpc::Status BuildsApi::Build(grpc::ServerContext* context,
                              grpc::ServerReaderWriter<v1::BuildEvent, v1::BuildRequest>* stream) {
  v1::BuildRequest request;
  if (!stream->Read(&request) || !request.has_options()) {
    return ToGrpcStatus(
        InvalidArgument("options: the first message of a build must carry the options"));
  }
  const v1::BuildOptions options = request.options();
  auto upload = ContextUpload::Begin(work_root_, max_context_bytes_);
  if (!upload.ok()) return ToGrpcStatus(upload.status());
  while (stream->Read(&request)) {
    if (request.has_options()) return ToGrpcStatus(InvalidArgument("options: sent twice"));
    if (Status written = (*upload)->Write(request.context_chunk()); !written.ok()) {
      return ToGrpcStatus(written);
    }
  }
  if (context->IsCancelled()) {
    return ToGrpcStatus(Status(StatusCode::kCancelled, "build cancelled by the client"));
  }
  auto context_dir = (*upload)->Finish();
  if (!context_dir.ok()) return ToGrpcStatus(context_dir.status());
  auto built = builder_->Build(options, *context_dir, (*upload)->scratch_dir(),
                               [&](const v1::BuildEvent& event) {
                                 return !context->IsCancelled() && stream->Write(event);
                               });
  if (!built.ok()) {
    spdlog::warn("build failed: {}", built.status().message());
    return ToGrpcStatus(built.status());
  }
  v1::BuildEvent last;
  *last.mutable_result() = std::move(*built);
  stream->Write(last);
  return grpc::Status::OK;
}

}  // namespace boxcar
