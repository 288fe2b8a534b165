#include "store/image_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string_view>

#include "store/archive_error.h"
#include "common/path_components.h"
#include "common/sha256.h"
#include "store/archive_reader.h"
#include "store/image_manifest.h"

namespace boxcar {

namespace {

constexpr size_t kMaxIndexBytes = 4 << 20;  // manifest.json, index.json, manifests: small by nature

constexpr std::string_view kOciIndexMediaType = "application/vnd.oci.image.index.v1+json";
constexpr std::string_view kDockerManifestListMediaType =
    "application/vnd.docker.distribution.manifest.list.v2+json";
constexpr std::string_view kDockerManifestMediaType =
    "application/vnd.docker.distribution.manifest.v2+json";
constexpr std::string_view kDockerConfigMediaType =
    "application/vnd.docker.container.image.v1+json";
// The tag `ctr images export` (and Docker 25's `docker save`) give a descriptor: a full reference.
constexpr const char* kContainerdImageName = "io.containerd.image.name";
constexpr const char* kOciRefName = "org.opencontainers.image.ref.name";

#if defined(__x86_64__)
constexpr std::string_view kHostArchitecture = "amd64";
#elif defined(__aarch64__)
constexpr std::string_view kHostArchitecture = "arm64";
#else
#error "unknown architecture: add its OCI name"
#endif

bool IsManifestMediaType(std::string_view type) {
  return type == kOciManifestMediaType || type == kDockerManifestMediaType;
}
bool IsIndexMediaType(std::string_view type) {
  return type == kOciIndexMediaType || type == kDockerManifestListMediaType;
}
bool IsConfigMediaType(std::string_view type) {
  return type == kOciConfigMediaType || type == kDockerConfigMediaType;
}
// Every tar layer, compressed the ways the unpacker reads; encrypted layers are not among them.
bool IsLayerMediaType(std::string_view type) {
  static const std::set<std::string_view> kLayerTypes = {
      "application/vnd.oci.image.layer.v1.tar",
      "application/vnd.oci.image.layer.v1.tar+gzip",
      "application/vnd.oci.image.layer.v1.tar+zstd",
      "application/vnd.oci.image.layer.nondistributable.v1.tar",
      "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
      "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
      "application/vnd.docker.image.rootfs.diff.tar",
      "application/vnd.docker.image.rootfs.diff.tar.gzip",
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
  };
  return kLayerTypes.count(type) > 0;
}

ArchiveReader OpenTar(const std::string& path) {
  ArchiveReader reader(archive_read_new());
  archive_read_support_format_tar(reader.get());
  archive_read_support_format_gnutar(reader.get());
  if (archive_read_open_filename(reader.get(), path.c_str(), 1 << 20) != ARCHIVE_OK) return nullptr;
  return reader;
}

// "./a/b" and "a/b" name the same member.
std::string CleanName(std::string name) {
  while (name.rfind("./", 0) == 0) name.erase(0, 2);
  while (!name.empty() && name.back() == '/') name.pop_back();
  return name;
}

// Resolves a relative symlink target against the directory of `link`.
std::string ResolveLink(const std::string& link, const std::string& target) {
  if (!target.empty() && target[0] == '/') return CleanName(target.substr(1));
  std::vector<std::string> parts;
  std::string dir = link.substr(0, link.rfind('/') == std::string::npos ? 0 : link.rfind('/'));
  std::string joined = dir.empty() ? target : dir + "/" + target;
  for (auto& part : PathComponents(joined)) {
    if (part != "..") {
      parts.push_back(std::move(part));
    } else if (!parts.empty()) {
      parts.pop_back();
    }
  }
  std::string resolved;
  for (const auto& part : parts) resolved += (resolved.empty() ? "" : "/") + part;
  return resolved;
}

StatusOr<rapidjson::Document> ParseJson(const std::string& text, const std::string& what) {
  rapidjson::Document document;
  document.Parse(text.c_str(), text.size());
  if (document.HasParseError()) return InvalidArgument(what + ": malformed JSON");
  return document;
}

// Hands the current member's data to `sink`, block by block.
Status ReadMemberData(archive* reader, const std::string& name, std::string& buffer,
                      const std::function<Status(const char*, size_t)>& sink) {
  for (;;) {
    la_ssize_t n = archive_read_data(reader, buffer.data(), buffer.size());
    if (n < 0) {
      return InvalidArgument("image archive: member '" + name +
                             "': " + ArchiveErrorText(reader));
    }
    if (n == 0) return OkStatus();
    RETURN_IF_ERROR(sink(buffer.data(), static_cast<size_t>(n)));
  }
}

std::string StringMember(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return "";
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

const rapidjson::Value* ArrayMember(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsArray() ? &it->value : nullptr;
}

const rapidjson::Value* ObjectMember(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsObject() ? &it->value : nullptr;
}

// The archive's files: index files by name, every other regular file as a blob.
struct ArchiveMembers {
  std::map<std::string, std::string> index_files;     // manifest.json, index.json, ...
  std::map<std::string, std::string> member_digests;  // member name -> blob digest
  std::map<std::string, std::string> symlinks;        // member name -> resolved target

  // The blob a member name leads to, following symlinks (skopeo's <v1id>/layer.tar).
  StatusOr<std::string> DigestOf(std::string member) const {
    member = CleanName(member);
    for (int hops = 0; hops < 8 && symlinks.count(member); ++hops) member = symlinks.at(member);
    auto it = member_digests.find(member);
    if (it == member_digests.end())
      return InvalidArgument("image archive: manifest names missing member '" + member + "'");
    return it->second;
  }
};

Status ReadMembers(archive* reader, BlobStore* blobs, std::vector<std::string>* stored_blobs,
                   MemberTap* tap, ArchiveMembers* members) {
  // NOTE: a name given twice would mean one thing to us and another to a tool that takes the
  // first: refused.
  std::set<std::string> seen;
  archive_entry* entry;
  std::string buffer(1 << 20, '\0');
  for (;;) {
    int rc = archive_read_next_header(reader, &entry);
    if (rc == ARCHIVE_EOF) return OkStatus();
    if (rc < ARCHIVE_WARN) {
      return InvalidArgument(std::string("image archive: truncated or corrupt: ") +
                             ArchiveErrorText(reader));
    }
    std::string name =
        CleanName(archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "");
    const mode_t type = archive_entry_filetype(entry);
    if (type != AE_IFLNK && type != AE_IFREG) continue;
    if (!seen.insert(name).second) {
      return InvalidArgument("image archive: member '" + name + "' appears twice");
    }
    if (type == AE_IFLNK) {
      members->symlinks[name] =
          ResolveLink(name, archive_entry_symlink(entry) ? archive_entry_symlink(entry) : "");
      continue;
    }
    if (name == "manifest.json" || name == "index.json" || name == "oci-layout" ||
        name == "repositories") {
      if (archive_entry_size(entry) > static_cast<la_int64_t>(kMaxIndexBytes)) {
        return InvalidArgument("image archive: member '" + name + "' is too large");
      }
      std::string content;
      RETURN_IF_ERROR(ReadMemberData(reader, name, buffer, [&](const char* bytes, size_t size) {
        content.append(bytes, size);
        return OkStatus();
      }));
      members->index_files[name] = content;
      continue;
    }
    // Every other file may be a blob: OCI blobs/sha256/<hex>, docker-archive layers and configs.
    std::string expected;
    if (name.rfind("blobs/sha256/", 0) == 0) {
      expected = "sha256:" + name.substr(13);
      if (!IsSha256Digest(expected))
        return InvalidArgument("image archive: member '" + name + "' is not a sha256 blob name");
    }
    ASSIGN_OR_RETURN(auto writer, blobs->NewWriter());
    std::unique_ptr<MemberTap::Copy> copy;
    bool copy_lent = false;  // the writer lends its blocks to `copy`
    const uint64_t size = static_cast<uint64_t>(std::max<la_int64_t>(0, archive_entry_size(entry)));
    RETURN_IF_ERROR(ReadMemberData(reader, name, buffer, [&](const char* bytes, size_t n) {
      if (tap && writer->bytes_written() == 0) {
        copy = tap->Open(name, size, {bytes, n});
        copy_lent = TakeBlobBlocks(copy.get(), writer.get());
      }
      RETURN_IF_ERROR(writer->Write(bytes, n));
      if (copy && !copy_lent) copy->Write(bytes, n);
      return OkStatus();
    }));
    // Pinned until the import ends (ImageStore::ReleaseArchiveBlobs), from before it is
    // visible: another import of the same archive, ending, deletes the blobs no record keeps.
    auto digest = writer->CommitPinned(expected);
    if (!digest.ok()) return digest.status().Annotate("image archive: member '" + name + "'");
    stored_blobs->push_back(*digest);
    if (copy) copy->Finish(*digest, writer->bytes_written());
    members->member_digests[name] = *digest;
  }
}

}  // namespace

bool TakeBlobBlocks(MemberTap::Copy* copy, BlobStore::Writer* writer) {
  if (copy == nullptr) return false;
  LentBlockSink sink = copy->LentBlocks();
  if (!sink) return false;
  writer->LendBlocks(std::move(sink), copy->max_lent_bytes());
  return true;
}

namespace {

// A reference as Docker reads it: "busybox:1" is "docker.io/library/busybox:1", a name without
// a tag or digest has ":latest". `ctr images export` names an image both ways (the index's
// io.containerd.image.name in full, manifest.json's RepoTags in Docker's short form).
std::string DockerNormalized(const std::string& reference) {
  std::string name = reference;
  size_t slash = name.find('/');
  std::string first = slash == std::string::npos ? "" : name.substr(0, slash);
  bool has_domain = slash != std::string::npos &&
                    (first.find_first_of(".:") != std::string::npos || first == "localhost");
  if (!has_domain) name = "docker.io/" + name;
  if (name.rfind("docker.io/", 0) == 0 && name.find('/', 10) == std::string::npos)
    name.insert(10, "library/");
  size_t last_slash = name.rfind('/');
  if (name.find('@') == std::string::npos && name.find(':', last_slash) == std::string::npos)
    name += ":latest";
  return name;
}

// Appends `reference` unless `references` has one that reads the same.
void AddReference(std::string reference, std::vector<std::string>* references) {
  const std::string normalized = DockerNormalized(reference);
  for (const auto& listed : *references) {
    if (DockerNormalized(listed) == normalized) return;
  }
  references->push_back(std::move(reference));
}

// Adds `image`, or its references to the image of the same config already listed.
void AddImage(ArchivedImage image, ImageArchive* archive) {
  for (auto& listed : archive->images) {
    if (listed.config_digest != image.config_digest) continue;
    for (auto& reference : image.references) AddReference(std::move(reference), &listed.references);
    return;
  }
  std::vector<std::string> references = std::move(image.references);
  image.references.clear();
  for (auto& reference : references) AddReference(std::move(reference), &image.references);
  archive->images.push_back(std::move(image));
}

// docker-archive: manifest.json, an array of {Config, RepoTags, Layers} naming members.
Status ResolveDockerManifest(const ArchiveMembers& members, ImageArchive* archive) {
  ASSIGN_OR_RETURN(rapidjson::Document manifest,
                   ParseJson(members.index_files.at("manifest.json"), "manifest.json"));
  if (!manifest.IsArray()) return InvalidArgument("manifest.json: expected an array of images");
  for (const auto& item : manifest.GetArray()) {
    ArchivedImage image;
    std::string config = StringMember(item, "Config");
    if (config.empty()) return InvalidArgument("manifest.json: an image has no Config");
    ASSIGN_OR_RETURN(image.config_digest, members.DigestOf(config));
    const rapidjson::Value* layers = ArrayMember(item, "Layers");
    if (!layers) return InvalidArgument("manifest.json: an image has no Layers");
    for (const auto& layer : layers->GetArray()) {
      if (!layer.IsString()) return InvalidArgument("manifest.json: a layer is not a string");
      ASSIGN_OR_RETURN(std::string layer_digest, members.DigestOf(layer.GetString()));
      image.layer_digests.push_back(layer_digest);
    }
    if (const rapidjson::Value* tags = ArrayMember(item, "RepoTags")) {
      for (const auto& tag : tags->GetArray()) {
        if (tag.IsString()) image.references.push_back(tag.GetString());
      }
    }
    AddImage(std::move(image), archive);
  }
  return OkStatus();
}

// A JSON blob of the archive (manifest, index), size-capped before it is read.
StatusOr<rapidjson::Document> ReadJsonBlob(const BlobStore& blobs, const std::string& digest,
                                           const std::string& what) {
  if (!IsSha256Digest(digest) || !blobs.Contains(digest)) {
    return InvalidArgument(what + " " + digest + " is not in the archive");
  }
  ASSIGN_OR_RETURN(uint64_t size, blobs.BlobSize(digest));
  if (size > kMaxIndexBytes) return InvalidArgument(what + " " + digest + " is too large");
  ASSIGN_OR_RETURN(std::string text, blobs.ReadBlob(digest));
  ASSIGN_OR_RETURN(rapidjson::Document document, ParseJson(text, what + " " + digest));
  if (!document.IsObject()) return InvalidArgument(what + " " + digest + ": not a JSON object");
  return document;
}

// The manifest an image index names for this host (linux/<arch>), among those in the archive
// (`ctr images export` keeps only the current platform's of a multi-platform image).
StatusOr<std::string> SelectPlatformManifest(const BlobStore& blobs, const std::string& digest) {
  ASSIGN_OR_RETURN(rapidjson::Document index, ReadJsonBlob(blobs, digest, "image index"));
  const rapidjson::Value* manifests = ArrayMember(index, "manifests");
  if (!manifests) return InvalidArgument("image index " + digest + ": no manifests array");
  for (const auto& descriptor : manifests->GetArray()) {
    const rapidjson::Value* platform = ObjectMember(descriptor, "platform");
    std::string manifest_digest = StringMember(descriptor, "digest");
    if (platform && StringMember(*platform, "os") == "linux" &&
        StringMember(*platform, "architecture") == kHostArchitecture &&
        IsManifestMediaType(StringMember(descriptor, "mediaType")) &&
        blobs.Contains(manifest_digest)) {
      return manifest_digest;
    }
  }
  return InvalidArgument("image index " + digest + ": the archive holds no manifest for linux/" +
                         std::string(kHostArchitecture));
}

// One image manifest of an OCI layout: config and layers present, each of its media type.
StatusOr<ArchivedImage> ResolveOciManifest(const BlobStore& blobs, const std::string& digest) {
  ASSIGN_OR_RETURN(rapidjson::Document manifest, ReadJsonBlob(blobs, digest, "manifest"));
  const std::string what = "manifest " + digest;
  std::string media_type = StringMember(manifest, "mediaType");
  if (!media_type.empty() && !IsManifestMediaType(media_type)) {
    return InvalidArgument(what + ": media type '" + media_type + "' is not an image manifest");
  }
  // A descriptor of the right media type whose blob the archive holds, with the size it says.
  auto check = [&](const rapidjson::Value& descriptor, const std::string& role,
                   const std::function<bool(std::string_view)>& accepts) -> StatusOr<std::string> {
    std::string blob = StringMember(descriptor, "digest");
    if (!IsSha256Digest(blob) || !blobs.Contains(blob)) {
      return InvalidArgument(what + ": " + role + " " + blob + " is missing from the archive");
    }
    std::string type = StringMember(descriptor, "mediaType");
    if (!accepts(type)) {
      return InvalidArgument(what + ": " + role + " " + blob + " has media type '" + type +
                             "', which is not " +
                             (role == "config" ? "an image config" : "a layer"));
    }
    ASSIGN_OR_RETURN(uint64_t size, blobs.BlobSize(blob));
    auto declared = descriptor.FindMember("size");
    if (declared == descriptor.MemberEnd() || !declared->value.IsUint64() ||
        declared->value.GetUint64() != size) {
      return InvalidArgument(what + ": " + role + " " + blob + " is " + std::to_string(size) +
                             " bytes, not the size its descriptor gives");
    }
    return blob;
  };
  const rapidjson::Value* config = ObjectMember(manifest, "config");
  if (!config) return InvalidArgument(what + ": no config descriptor");
  ArchivedImage image;
  ASSIGN_OR_RETURN(image.config_digest, check(*config, "config", IsConfigMediaType));
  const rapidjson::Value* layers = ArrayMember(manifest, "layers");
  if (!layers) return InvalidArgument(what + ": no layers array");
  for (rapidjson::SizeType i = 0; i < layers->Size(); ++i) {
    if (!(*layers)[i].IsObject()) return InvalidArgument(what + ": a layer is not a descriptor");
    ASSIGN_OR_RETURN(std::string layer,
                     check((*layers)[i], "layer " + std::to_string(i), IsLayerMediaType));
    image.layer_digests.push_back(layer);
  }
  return image;
}

// OCI image layout: index.json's descriptors name manifests (or, for multi-platform images, an
// index of them); references from their annotations.
Status ResolveOciIndex(const ArchiveMembers& members, const BlobStore& blobs,
                       ImageArchive* archive) {
  ASSIGN_OR_RETURN(rapidjson::Document index,
                   ParseJson(members.index_files.at("index.json"), "index.json"));
  const rapidjson::Value* manifests = ArrayMember(index, "manifests");
  if (!manifests) return InvalidArgument("index.json: expected an object with a manifests array");
  for (const auto& descriptor : manifests->GetArray()) {
    std::string digest = StringMember(descriptor, "digest");
    if (!IsSha256Digest(digest) || !blobs.Contains(digest)) {
      return InvalidArgument("index.json: manifest " + digest + " is not in the archive");
    }
    std::string media_type = StringMember(descriptor, "mediaType");
    if (IsIndexMediaType(media_type)) {
      ASSIGN_OR_RETURN(digest, SelectPlatformManifest(blobs, digest));
    } else if (!IsManifestMediaType(media_type)) {
      return InvalidArgument("index.json: manifest " + digest + " has media type '" + media_type +
                             "', which is not an image manifest or index");
    }
    ASSIGN_OR_RETURN(ArchivedImage image, ResolveOciManifest(blobs, digest));
    if (const rapidjson::Value* annotations = ObjectMember(descriptor, "annotations")) {
      for (const char* key : {kContainerdImageName, kOciRefName}) {
        std::string reference = StringMember(*annotations, key);
        if (!reference.empty()) image.references.push_back(reference);
      }
    }
    AddImage(std::move(image), archive);
  }
  return OkStatus();
}

}  // namespace

bool LooksLikeImageArchive(const std::string& path) {
  ArchiveReader reader = OpenTar(path);
  if (!reader) return false;
  archive_entry* entry;
  while (archive_read_next_header(reader.get(), &entry) == ARCHIVE_OK) {
    std::string name =
        CleanName(archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "");
    if (name == "manifest.json" || name == "index.json") return true;
  }
  return false;
}

StatusOr<ImageArchive> ReadImageArchive(const std::string& path, BlobStore* blobs,
                                        std::vector<std::string>* stored_blobs) {
  ArchiveReader reader = OpenTar(path);
  if (!reader) return InvalidArgument("image archive: not a tar archive");
  return ReadImageArchive(reader.get(), blobs, stored_blobs);
}

StatusOr<ImageArchive> ReadImageArchive(archive* reader, BlobStore* blobs,
                                        std::vector<std::string>* stored_blobs, MemberTap* tap) {
  ArchiveMembers members;
  RETURN_IF_ERROR(ReadMembers(reader, blobs, stored_blobs, tap, &members));
  ImageArchive result;
  const bool has_index = members.index_files.count("index.json") > 0;
  const bool has_manifest = members.index_files.count("manifest.json") > 0;
  if (has_index) {
    // An OCI layout, perhaps with a docker-compatible manifest.json beside it (`ctr images
    // export`, Docker 25's `docker save`): the index has the media types and digests; the
    // manifest.json adds its RepoTags to the images it shares.
    RETURN_IF_ERROR(ResolveOciIndex(members, *blobs, &result));
    if (has_manifest) {
      ImageArchive docker;
      RETURN_IF_ERROR(ResolveDockerManifest(members, &docker));
      for (auto& image : docker.images) {
        if (std::any_of(result.images.begin(), result.images.end(), [&](const auto& listed) {
              return listed.config_digest == image.config_digest;
            }))
          AddImage(std::move(image), &result);
      }
    }
  } else if (has_manifest) {
    RETURN_IF_ERROR(ResolveDockerManifest(members, &result));
  } else {
    return InvalidArgument("image archive: neither manifest.json nor index.json found");
  }
  if (result.images.empty()) return InvalidArgument("image archive: it holds no image");
  return result;
}

}  // namespace boxcar
