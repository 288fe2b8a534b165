// gRPC adapter of the Images service over the ImageStore.
#pragma once

#include <string>

#include "boxcar/v1/images.grpc.pb.h"
#include "store/image_store.h"

namespace boxcar {

class ImagesApi final : public v1::Images::Service {
 public:
  // `kept_contexts_dir`: the build contexts kept for reuse (build/context_reuse.h), which
  // `prune --all` drops with the build cache.
  ImagesApi(ImageStore* images, std::string kept_contexts_dir)
      : images_(images), kept_contexts_dir_(std::move(kept_contexts_dir)) {}

  grpc::Status Import(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::ImportResponse, v1::ImportRequest>* stream) override;
  grpc::Status List(grpc::ServerContext* context, const v1::ListImagesRequest* request,
                    v1::ListImagesResponse* response) override;
  grpc::Status Inspect(grpc::ServerContext* context, const v1::InspectImageRequest* request,
                       v1::Image* response) override;
  grpc::Status Tag(grpc::ServerContext* context, const v1::TagImageRequest* request,
                   v1::Image* response) override;
  grpc::Status Remove(grpc::ServerContext* context, const v1::RemoveImageRequest* request,
                      v1::RemoveImageResponse* response) override;
  grpc::Status Prune(grpc::ServerContext* context, const v1::PruneImagesRequest* request,
                     v1::PruneImagesResponse* response) override;
  grpc::Status History(grpc::ServerContext* context, const v1::ImageHistoryRequest* request,
                       v1::ImageHistoryResponse* response) override;
  grpc::Status Save(grpc::ServerContext* context, const v1::SaveImagesRequest* request,
                    grpc::ServerWriter<v1::SaveChunk>* writer) override;

 private:
  ImageStore* images_;
  std::string kept_contexts_dir_;
};

}  // namespace boxcar
