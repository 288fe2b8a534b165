#include "store/image_export.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <set>

#include "store/archive_error.h"
#include "common/unique_fd.h"
#include "store/image_manifest.h"

namespace boxcar {

namespace {

constexpr size_t kChunkBytes = 256 * 1024;

// A libarchive tar writer whose output goes to the sink in kChunkBytes pieces.
class TarStream {
 public:
  explicit TarStream(const ArchiveSink& sink) : sink_(sink), archive_(archive_write_new()) {
    archive_write_set_format_pax_restricted(archive_);
    archive_write_set_bytes_per_block(archive_, 10240);
    archive_write_open(archive_, this, nullptr, &TarStream::WriteCallback, nullptr);
  }
  ~TarStream() { archive_write_free(archive_); }

  Status AddBytes(const std::string& name, std::string_view content) {
    RETURN_IF_ERROR(Header(name, content.size()));
    if (!content.empty() && archive_write_data(archive_, content.data(), content.size()) !=
                                static_cast<la_ssize_t>(content.size())) {
      return Failure("write " + name);
    }
    return OkStatus();
  }

  Status AddFile(const std::string& name, const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return ErrnoStatus("open '" + path + "'");
    off_t size = ::lseek(fd.get(), 0, SEEK_END);
    if (size < 0 || ::lseek(fd.get(), 0, SEEK_SET) != 0) return ErrnoStatus("size of " + path);
    RETURN_IF_ERROR(Header(name, static_cast<uint64_t>(size)));
    std::string buffer(1 << 20, '\0');
    uint64_t left = static_cast<uint64_t>(size);
    while (left > 0) {
      ssize_t n = ::read(fd.get(), buffer.data(), std::min<uint64_t>(buffer.size(), left));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return ErrnoStatus("read '" + path + "'", n == 0 ? EIO : errno);
      if (archive_write_data(archive_, buffer.data(), static_cast<size_t>(n)) != n) {
        return Failure("write " + name);
      }
      left -= static_cast<uint64_t>(n);
    }
    return OkStatus();
  }

  Status Finish() {
    if (archive_write_close(archive_) != ARCHIVE_OK) return Failure("finish the archive");
    if (!pending_.empty() && !sink_(pending_)) return Cancelled();
    pending_.clear();
    return OkStatus();
  }

 private:
  Status Header(const std::string& name, uint64_t size) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                        archive_entry_free);
    archive_entry_set_pathname(entry.get(), name.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
    archive_entry_set_mtime(entry.get(), 0, 0);
    archive_entry_set_uid(entry.get(), 0);
    archive_entry_set_gid(entry.get(), 0);
    if (archive_write_header(archive_, entry.get()) != ARCHIVE_OK) return Failure("add " + name);
    return OkStatus();
  }

  Status Cancelled() const {
    return Status(StatusCode::kCancelled, "save: the receiver went away");
  }
  Status Failure(const std::string& what) {
    if (sink_failed_) return Cancelled();
    return Internal("save: " + what + ": " + ArchiveErrorText(archive_));
  }

  static la_ssize_t WriteCallback(archive*, void* self_pointer, const void* bytes, size_t size) {
    auto* self = static_cast<TarStream*>(self_pointer);
    self->pending_.append(static_cast<const char*>(bytes), size);
    if (self->pending_.size() >= kChunkBytes) {
      if (!self->sink_(self->pending_)) {
        self->sink_failed_ = true;
        return -1;
      }
      self->pending_.clear();
    }
    return static_cast<la_ssize_t>(size);
  }

  const ArchiveSink& sink_;
  archive* archive_;
  std::string pending_;
  bool sink_failed_ = false;
};

std::string Hex(const std::string& digest) { return digest.substr(7); }

// Decompresses a layer blob into a temp file under `tmp_dir`; removed by the caller.
StatusOr<std::string> DecompressLayer(const std::string& blob_path, const std::string& tmp_dir) {
  std::string path = tmp_dir + "/save-XXXXXX";
  UniqueFd out(::mkstemp(path.data()));
  if (!out) return ErrnoStatus("create a temp file in '" + tmp_dir + "'");
  std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(),
                                                                archive_read_free);
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_raw(reader.get());
  archive_entry* entry = nullptr;
  Status result;
  if (archive_read_open_filename(reader.get(), blob_path.c_str(), 1 << 20) != ARCHIVE_OK ||
      archive_read_next_header(reader.get(), &entry) != ARCHIVE_OK) {
    result = Internal("decompress '" + blob_path + "': " + ArchiveErrorText(reader.get()));
  }
  std::string buffer(1 << 20, '\0');
  while (result.ok()) {
    la_ssize_t n = archive_read_data(reader.get(), buffer.data(), buffer.size());
    if (n == 0) break;
    if (n < 0) {
      result = Internal("decompress '" + blob_path + "': " + ArchiveErrorText(reader.get()));
      break;
    }
    const char* data = buffer.data();
    size_t left = static_cast<size_t>(n);
    while (left > 0 && result.ok()) {
      ssize_t written = ::write(out.get(), data, left);
      if (written < 0 && errno == EINTR) continue;
      if (written < 0) result = ErrnoStatus("write '" + path + "'");
      if (written > 0) {
        data += written;
        left -= static_cast<size_t>(written);
      }
    }
  }
  if (!result.ok()) {
    ::unlink(path.c_str());
    return result;
  }
  return path;
}

std::string OciIndexJson(const std::vector<v1::Image>& images,
                         const std::vector<ImageManifest>& manifests) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("schemaVersion");
  writer.Int(2);
  writer.Key("mediaType");
  writer.String("application/vnd.oci.image.index.v1+json");
  writer.Key("manifests");
  writer.StartArray();
  for (size_t i = 0; i < images.size(); ++i) {
    // One descriptor per reference (an untagged image gets one without a name).
    std::vector<std::string> names(images[i].references().begin(), images[i].references().end());
    if (names.empty()) names.push_back("");
    for (const auto& name : names) {
      writer.StartObject();
      writer.Key("mediaType");
      writer.String(kOciManifestMediaType);
      writer.Key("digest");
      writer.String(manifests[i].digest.c_str());
      writer.Key("size");
      writer.Uint64(manifests[i].size);
      if (!name.empty()) {
        writer.Key("annotations");
        writer.StartObject();
        writer.Key("org.opencontainers.image.ref.name");
        writer.String(name.c_str());
        writer.EndObject();
      }
      writer.EndObject();
    }
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// With `blob_members`, Config and Layers name the OCI layout's blobs (Docker 25's combined
// archive); otherwise "<config hex>.json" and "<diff id hex>.tar" members.
std::string DockerManifestJson(const std::vector<v1::Image>& images, bool blob_members = false) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartArray();
  for (const auto& image : images) {
    writer.StartObject();
    writer.Key("Config");
    writer.String(((blob_members ? "blobs/sha256/" : "") + Hex(image.id()) +
                   (blob_members ? "" : ".json"))
                      .c_str());
    writer.Key("RepoTags");
    writer.StartArray();
    for (const auto& reference : image.references()) writer.String(reference.c_str());
    writer.EndArray();
    writer.Key("Layers");
    writer.StartArray();
    for (const auto& layer : image.layers()) {
      writer.String((blob_members ? "blobs/sha256/" + Hex(layer.diff_id())
                                  : Hex(layer.diff_id()) + ".tar")
                        .c_str());
    }
    writer.EndArray();
    writer.EndObject();
  }
  writer.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// The legacy "repositories" file of docker-archives: {"name": {"tag": "<top layer id>"}}.
std::string DockerRepositoriesJson(const std::vector<v1::Image>& images) {
  std::map<std::string, std::map<std::string, std::string>> repositories;
  for (const auto& image : images) {
    if (image.layers().empty()) continue;
    for (const auto& reference : image.references()) {
      size_t colon = reference.rfind(':');
      if (colon == std::string::npos || reference.find('/', colon) != std::string::npos ||
          reference.find('@') != std::string::npos) {
        continue;
      }
      repositories[reference.substr(0, colon)][reference.substr(colon + 1)] =
          Hex(image.layers(image.layers_size() - 1).diff_id());
    }
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  for (const auto& [name, tags] : repositories) {
    writer.Key(name.c_str());
    writer.StartObject();
    for (const auto& [tag, id] : tags) {
      writer.Key(tag.c_str());
      writer.String(id.c_str());
    }
    writer.EndObject();
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Status WriteOciLayout(const BlobStore& blobs, const std::vector<v1::Image>& images,
                      TarStream& tar) {
  std::vector<ImageManifest> manifests;
  for (const auto& image : images) {
    ASSIGN_OR_RETURN(ImageManifest manifest, BuildImageManifest(blobs, image));
    manifests.push_back(std::move(manifest));
  }
  RETURN_IF_ERROR(tar.AddBytes("oci-layout", R"({"imageLayoutVersion":"1.0.0"})"));
  RETURN_IF_ERROR(tar.AddBytes("index.json", OciIndexJson(images, manifests)));
  std::set<std::string> written;
  auto add_blob = [&](const std::string& digest, const std::string* content) -> Status {
    if (!written.insert(digest).second) return OkStatus();
    std::string name = "blobs/sha256/" + Hex(digest);
    return content ? tar.AddBytes(name, *content) : tar.AddFile(name, blobs.BlobPath(digest));
  };
  for (size_t i = 0; i < images.size(); ++i) {
    RETURN_IF_ERROR(add_blob(manifests[i].digest, &manifests[i].json));
    RETURN_IF_ERROR(add_blob(images[i].id(), nullptr));
    for (const auto& layer : images[i].layers()) RETURN_IF_ERROR(add_blob(layer.digest(), nullptr));
  }
  return OkStatus();
}

// Docker 25's layout, both at once: every layer uncompressed and named by its diff id (so the
// layer digests are the same whichever way a tool reads it), an OCI manifest stating them,
// and manifest.json and repositories naming the same blobs. Blobs go first: a manifest needs
// the uncompressed sizes, known once each layer is written.
Status WriteOciAndDockerArchive(const BlobStore& blobs, const std::vector<v1::Image>& images,
                                const std::string& tmp_dir, TarStream& tar) {
  std::set<std::string> written;
  std::map<std::string, uint64_t> layer_sizes;  // by diff id
  for (const auto& image : images) {
    if (written.insert(image.id()).second) {
      RETURN_IF_ERROR(tar.AddFile("blobs/sha256/" + Hex(image.id()), blobs.BlobPath(image.id())));
    }
    for (const auto& layer : image.layers()) {
      if (!written.insert(layer.diff_id()).second) continue;
      ASSIGN_OR_RETURN(std::string media_type, LayerMediaType(blobs, layer.digest()));
      std::string path = blobs.BlobPath(layer.digest());
      std::string plain;
      if (media_type != kOciLayerTarMediaType) {
        ASSIGN_OR_RETURN(plain, DecompressLayer(path, tmp_dir));
        path = plain;
      }
      struct stat st;
      Status added = ::stat(path.c_str(), &st) == 0 ? OkStatus() : ErrnoStatus("stat '" + path + "'");
      if (added.ok()) added = tar.AddFile("blobs/sha256/" + Hex(layer.diff_id()), path);
      if (!plain.empty()) ::unlink(plain.c_str());
      RETURN_IF_ERROR(added);
      layer_sizes[layer.diff_id()] = static_cast<uint64_t>(st.st_size);
    }
  }
  std::vector<ImageManifest> manifests;
  for (const auto& image : images) {
    std::vector<ManifestLayer> layers;
    for (const auto& layer : image.layers()) {
      layers.push_back({kOciLayerTarMediaType, layer.diff_id(), layer_sizes[layer.diff_id()]});
    }
    ASSIGN_OR_RETURN(ImageManifest manifest, BuildImageManifest(blobs, image, layers));
    if (written.insert(manifest.digest).second) {
      RETURN_IF_ERROR(tar.AddBytes("blobs/sha256/" + Hex(manifest.digest), manifest.json));
    }
    manifests.push_back(std::move(manifest));
  }
  RETURN_IF_ERROR(tar.AddBytes("oci-layout", R"({"imageLayoutVersion":"1.0.0"})"));
  RETURN_IF_ERROR(tar.AddBytes("index.json", OciIndexJson(images, manifests)));
  RETURN_IF_ERROR(tar.AddBytes("manifest.json", DockerManifestJson(images, true)));
  return tar.AddBytes("repositories", DockerRepositoriesJson(images));
}

Status WriteDockerArchive(const BlobStore& blobs, const std::vector<v1::Image>& images,
                          const std::string& tmp_dir, TarStream& tar) {
  RETURN_IF_ERROR(tar.AddBytes("manifest.json", DockerManifestJson(images)));
  std::set<std::string> written;
  for (const auto& image : images) {
    if (written.insert(image.id()).second) {
      RETURN_IF_ERROR(tar.AddFile(Hex(image.id()) + ".json", blobs.BlobPath(image.id())));
    }
    for (const auto& layer : image.layers()) {
      if (!written.insert(layer.diff_id()).second) continue;
      const std::string name = Hex(layer.diff_id()) + ".tar";
      ASSIGN_OR_RETURN(std::string media_type, LayerMediaType(blobs, layer.digest()));
      if (media_type == "application/vnd.oci.image.layer.v1.tar") {
        RETURN_IF_ERROR(tar.AddFile(name, blobs.BlobPath(layer.digest())));
        continue;
      }
      ASSIGN_OR_RETURN(std::string plain, DecompressLayer(blobs.BlobPath(layer.digest()), tmp_dir));
      Status added = tar.AddFile(name, plain);
      ::unlink(plain.c_str());
      RETURN_IF_ERROR(added);
    }
  }
  return OkStatus();
}

}  // namespace

Status WriteImageArchive(const BlobStore& blobs, const std::vector<v1::Image>& images,
                         ImageArchiveFormat format, const std::string& tmp_dir,
                         const ArchiveSink& sink) {
  if (images.empty()) return InvalidArgument("images: name at least one image to save");
  TarStream tar(sink);
  switch (format) {
    case ImageArchiveFormat::kOciLayout:
      RETURN_IF_ERROR(WriteOciLayout(blobs, images, tar));
      break;
    case ImageArchiveFormat::kDockerArchive:
      RETURN_IF_ERROR(WriteDockerArchive(blobs, images, tmp_dir, tar));
      break;
    case ImageArchiveFormat::kOciAndDocker:
      RETURN_IF_ERROR(WriteOciAndDockerArchive(blobs, images, tmp_dir, tar));
      break;
  }
  return tar.Finish();
}

}  // namespace boxcar
