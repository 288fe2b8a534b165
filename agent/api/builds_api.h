// gRPC adapter of the Builds service: the context stream into a ContextUpload (and the listing
// into a ContextReuse), the build to the ImageBuilder, its events back to the caller.
#pragma once

#include "boxcar/v1/build.grpc.pb.h"
#include "build/image_builder.h"

namespace boxcar {

class BuildsApi final : public v1::Builds::Service {
 public:
  // Contexts go to `work_root` (the store's tmp/); at most `max_context_bytes` (0: no limit).
  // Contexts of builds with a context_reuse_key are kept in `kept_contexts_dir`.
  BuildsApi(ImageBuilder* builder, std::string work_root, std::string kept_contexts_dir,
            uint64_t max_context_bytes)
      : builder_(builder),
        work_root_(std::move(work_root)),
        kept_contexts_dir_(std::move(kept_contexts_dir)),
        max_context_bytes_(max_context_bytes) {}

  grpc::Status Build(grpc::ServerContext* context,
                     grpc::ServerReaderWriter<v1::BuildEvent, v1::BuildRequest>* stream) override;

 private:
  ImageBuilder* builder_;
  std::string work_root_;
  std::string kept_contexts_dir_;
  uint64_t max_context_bytes_;
};

}  // namespace boxcar
