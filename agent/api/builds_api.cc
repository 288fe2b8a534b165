#include "api/builds_api.h"

#include <spdlog/spdlog.h>

#include "api/grpc_status.h"
#include "build/context_reuse.h"
#include "build/context_upload.h"
#include "build/image_builder.h"
#include "common/disk_full.h"

namespace boxcar {

grpc::Status BuildsApi::Build(grpc::ServerContext* context,
                              grpc::ServerReaderWriter<v1::BuildEvent, v1::BuildRequest>* stream) {
  v1::BuildRequest request;
  if (!stream->Read(&request) || !request.has_options()) {
    return ToGrpcStatus(
        InvalidArgument("options: the first message of a build must carry the options"));
  }
  const v1::BuildOptions options = request.options();
  if (Status checked = builder_->CheckOptions(options); !checked.ok()) {
    return ToGrpcStatus(checked);
  }
  auto upload = ContextUpload::Begin(work_root_, max_context_bytes_);
  if (!upload.ok()) return ToGrpcStatus(upload.status());
  std::unique_ptr<ContextReuse> reuse;
  if (!options.context_reuse_key().empty()) {
    auto taken = ContextReuse::Take(kept_contexts_dir_, options.context_reuse_key(),
                                    (*upload)->scratch_dir(), max_context_bytes_);
    if (!taken.ok()) return ToGrpcStatus(taken.status());
    reuse = std::move(*taken);
    bool last = false;
    while (!last) {
      if (!stream->Read(&request) || !request.has_context_listing()) {
        return ToGrpcStatus(InvalidArgument(
            "context_listing: with options.context_reuse_key the context's listing comes next"));
      }
      if (Status added = reuse->AddListing(request.context_listing()); !added.ok()) {
        return ToGrpcStatus(added);
      }
      last = request.context_listing().last();
    }
    v1::BuildEvent wanted;
    *wanted.mutable_context_wanted() = reuse->Wanted();
    if (!stream->Write(wanted)) {
      return ToGrpcStatus(Status(StatusCode::kCancelled, "build cancelled by the client"));
    }
  }
  while (stream->Read(&request)) {
    if (request.has_options()) return ToGrpcStatus(InvalidArgument("options: sent twice"));
    if (request.has_context_listing()) {
      return ToGrpcStatus(InvalidArgument(
          "context_listing: only after options that carry a context_reuse_key"));
    }
    if (Status written = (*upload)->Write(request.context_chunk()); !written.ok()) {
      return ToGrpcStatus(written);
    }
  }
  if (context->IsCancelled()) {
    return ToGrpcStatus(Status(StatusCode::kCancelled, "build cancelled by the client"));
  }
  auto context_dir = (*upload)->Finish();
  if (!context_dir.ok()) return ToGrpcStatus(context_dir.status());
  FileDigests digests;
  if (reuse) {
    if (Status filled = reuse->Fill(*context_dir, &digests); !filled.ok()) {
      return ToGrpcStatus(filled);
    }
  }
  auto built = builder_->Build(
      options, *context_dir, (*upload)->scratch_dir(),
      [&](const v1::BuildEvent& event) { return !context->IsCancelled() && stream->Write(event); },
      [&] { return context->IsCancelled(); }, &digests);
  // Kept whether the build succeeded or not: fixing a failed step is the usual next build;
  // not after a full disk, where the copy would hold on to the space wanted.
  const bool disk_full = !built.ok() && IsDiskFull(built.status());
  if (reuse && !disk_full) reuse->Keep(*context_dir, digests);
  if (!built.ok()) {
    spdlog::warn("build failed: {}", built.status().message());
    return ToGrpcStatus(built.status());
  }
  v1::BuildEvent last;
  *last.mutable_result() = std::move(*built);
  if (reuse) {
    last.mutable_result()->set_context_files_sent(reuse->files_sent());
    last.mutable_result()->set_context_files_reused(reuse->files_reused());
  }
  stream->Write(last);
  return grpc::Status::OK;
}

}  // namespace boxcar
