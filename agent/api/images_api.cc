#include "api/images_api.h"

#include <spdlog/spdlog.h>

#include "api/grpc_status.h"
#include "build/context_reuse.h"
#include "common/disk_full.h"

namespace boxcar {

grpc::Status ImagesApi::Import(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::ImportResponse, v1::ImportRequest>* stream) {
  v1::ImportRequest request;
  if (!stream->Read(&request) || !request.has_header()) {
    return ToGrpcStatus(
        InvalidArgument("header: the first message of an import must carry the header"));
  }
  const std::string reference = request.header().reference();
  auto import = images_->BeginImport(request.header());
  if (!import.ok()) return ToGrpcStatus(import.status());
  while (stream->Read(&request)) {
    if (request.has_header())
      return ToGrpcStatus(InvalidArgument("header: sent twice in one import"));
    // Moved, not copied, into the import (the next Read allocates a new one).
    if (Status written = (*import)->Write(std::move(*request.mutable_chunk())); !written.ok()) {
      written = ExplainDiskFull(written, images_->root_dir());
      spdlog::warn("import of {} failed: {}", reference, written.message());
      return ToGrpcStatus(written);
    }
  }
  if (context->IsCancelled()) {
    return ToGrpcStatus(
        Status(StatusCode::kCancelled, "import cancelled by the client; nothing was stored"));
  }
  ImageStore::LayerProgress progress;
  progress.report = [stream](uint32_t done, uint32_t total) {
    v1::ImportResponse message;
    message.mutable_progress()->set_layers_done(done);
    message.mutable_progress()->set_layers_total(total);
    stream->Write(message);  // a caller gone meanwhile does not stop the import
  };
  auto image = (*import)->Finish(&progress);
  if (!image.ok()) {
    Status failed = ExplainDiskFull(image.status(), images_->root_dir());
    spdlog::warn("import of {} failed: {}", reference, failed.message());
    return ToGrpcStatus(failed);
  }
  spdlog::info("imported image {}", image->id());
  v1::ImportResponse last;
  *last.mutable_image() = std::move(*image);
  stream->Write(last);
  return grpc::Status::OK;
}

grpc::Status ImagesApi::List(grpc::ServerContext*, const v1::ListImagesRequest* request,
                             v1::ListImagesResponse* response) {
  auto images = images_->List(request->all());
  if (!images.ok()) return ToGrpcStatus(images.status());
  for (auto& image : *images) *response->add_images() = std::move(image);
  return grpc::Status::OK;
}

grpc::Status ImagesApi::Inspect(grpc::ServerContext*, const v1::InspectImageRequest* request,
                                v1::Image* response) {
  auto image = images_->Resolve(request->image(), "image");
  if (!image.ok()) return ToGrpcStatus(image.status());
  auto manifest_digest = images_->ManifestDigest(*image);
  if (manifest_digest.ok()) image->set_manifest_digest(*manifest_digest);
  *response = std::move(*image);
  return grpc::Status::OK;
}

grpc::Status ImagesApi::Prune(grpc::ServerContext*, const v1::PruneImagesRequest* request,
                              v1::PruneImagesResponse* response) {
  auto pruned = images_->Prune(request->all());
  if (!pruned.ok()) return ToGrpcStatus(ExplainDiskFull(pruned.status(), images_->root_dir()));
  if (request->all()) {
    const uint64_t contexts = ContextReuse::DropAll(kept_contexts_dir_);
    if (contexts > 0) spdlog::info("image prune: dropped kept build contexts, {} bytes", contexts);
    pruned->set_reclaimed_bytes(pruned->reclaimed_bytes() + contexts);
  }
  *response = std::move(*pruned);
  return grpc::Status::OK;
}

grpc::Status ImagesApi::Remove(grpc::ServerContext*, const v1::RemoveImageRequest* request,
                               v1::RemoveImageResponse* response) {
  return Reply(images_->Remove(request->image(), request->force()), response);
}

grpc::Status ImagesApi::Tag(grpc::ServerContext*, const v1::TagImageRequest* request,
                            v1::Image* response) {
  return Reply(images_->Tag(request->image(), request->reference()), response);
}

grpc::Status ImagesApi::History(grpc::ServerContext*, const v1::ImageHistoryRequest* request,
                                v1::ImageHistoryResponse* response) {
  return Reply(images_->History(request->image()), response);
}

grpc::Status ImagesApi::Save(grpc::ServerContext* context, const v1::SaveImagesRequest* request,
                             grpc::ServerWriter<v1::SaveChunk>* writer) {
  std::vector<std::string> images(request->images().begin(), request->images().end());
  ImageArchiveFormat format = ImageArchiveFormat::kOciAndDocker;
  if (request->format() == v1::ARCHIVE_FORMAT_OCI) format = ImageArchiveFormat::kOciLayout;
  if (request->format() == v1::ARCHIVE_FORMAT_DOCKER) format = ImageArchiveFormat::kDockerArchive;
  if (!v1::ArchiveFormat_IsValid(request->format())) {
    return ToGrpcStatus(
        InvalidArgument("format: unknown archive format " + std::to_string(request->format())));
  }
  v1::SaveChunk chunk;
  return ToGrpcStatus(images_->Save(images, format, [&](std::string_view bytes) {
    if (context->IsCancelled()) return false;
    chunk.set_data(bytes.data(), bytes.size());
    return writer->Write(chunk);
  }));
}

}  // namespace boxcar
