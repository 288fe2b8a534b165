#include "store/image_manifest.h"

#include <fcntl.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include "common/sha256.h"
#include "common/unique_fd.h"

namespace boxcar {

StatusOr<std::string> LayerMediaType(const BlobStore& blobs, const std::string& digest) {
  const std::string path = blobs.BlobPath(digest);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("open layer blob " + digest);
  unsigned char magic[4] = {};
  ssize_t n = ::read(fd.get(), magic, sizeof magic);
  if (n < 0) return ErrnoStatus("read layer blob " + digest);
  if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    return std::string("application/vnd.oci.image.layer.v1.tar+gzip");
  }
  if (n == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) {
    return std::string("application/vnd.oci.image.layer.v1.tar+zstd");
  }
  return std::string("application/vnd.oci.image.layer.v1.tar");
}

StatusOr<ImageManifest> BuildImageManifest(const BlobStore& blobs, const v1::Image& image) {
  std::vector<ManifestLayer> layers;
  for (const auto& layer : image.layers()) {
    ASSIGN_OR_RETURN(std::string media_type, LayerMediaType(blobs, layer.digest()));
    ASSIGN_OR_RETURN(uint64_t size, blobs.BlobSize(layer.digest()));
    layers.push_back({media_type, layer.digest(), size});
  }
  return BuildImageManifest(blobs, image, layers);
}

StatusOr<ImageManifest> BuildImageManifest(const BlobStore& blobs, const v1::Image& image,
                                           const std::vector<ManifestLayer>& layers) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  auto descriptor = [&](const std::string& media_type, const std::string& digest, uint64_t size) {
    writer.StartObject();
    writer.Key("mediaType");
    writer.String(media_type.c_str());
    writer.Key("digest");
    writer.String(digest.c_str());
    writer.Key("size");
    writer.Uint64(size);
    writer.EndObject();
  };
  ASSIGN_OR_RETURN(uint64_t config_size, blobs.BlobSize(image.id()));
  writer.StartObject();
  writer.Key("schemaVersion");
  writer.Int(2);
  writer.Key("mediaType");
  writer.String(kOciManifestMediaType);
  writer.Key("config");
  descriptor(kOciConfigMediaType, image.id(), config_size);
  writer.Key("layers");
  writer.StartArray();
  for (const auto& layer : layers) descriptor(layer.media_type, layer.digest, layer.size);
  writer.EndArray();
  writer.EndObject();
  ImageManifest manifest;
  manifest.json.assign(buffer.GetString(), buffer.GetSize());
  manifest.digest = Sha256Digest(manifest.json);
  manifest.size = manifest.json.size();
  return manifest;
}

}  // namespace boxcar
