#include "store/image_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <rapidjson/document.h>

#include <functional>
#include <map>
#include <memory>
#include <set>

#include "common/sha256.h"

namespace boxcar {

namespace {

constexpr size_t kMaxIndexBytes = 4 << 20;  // manifest.json, index.json: small by nature

struct ArchiveReadDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchiveReader = std::unique_ptr<archive, ArchiveReadDeleter>;

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
  size_t start = 0;
  while (start <= joined.size()) {
    size_t end = joined.find('/', start);
    if (end == std::string::npos) end = joined.size();
    std::string part = joined.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
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
                             "': " + archive_error_string(reader));
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
  ImageArchive result;
  std::map<std::string, std::string> small_files;     // manifest.json, index.json
  std::map<std::string, std::string> member_digests;  // member name -> blob digest
  std::map<std::string, std::string> symlinks;        // member name -> resolved target
  archive_entry* entry;
  std::string buffer(1 << 20, '\0');
  for (;;) {
    int rc = archive_read_next_header(reader.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      return InvalidArgument(std::string("image archive: truncated or corrupt: ") +
                             archive_error_string(reader.get()));
    }
    std::string name =
        CleanName(archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "");
    if (archive_entry_filetype(entry) == AE_IFLNK) {
      symlinks[name] =
          ResolveLink(name, archive_entry_symlink(entry) ? archive_entry_symlink(entry) : "");
      continue;
    }
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    if (name == "manifest.json" || name == "index.json" || name == "oci-layout" ||
        name == "repositories") {
      if (archive_entry_size(entry) > static_cast<la_int64_t>(kMaxIndexBytes)) {
        return InvalidArgument("image archive: member '" + name + "' is too large");
      }
      std::string content;
      RETURN_IF_ERROR(
          ReadMemberData(reader.get(), name, buffer, [&](const char* bytes, size_t size) {
            content.append(bytes, size);
            return OkStatus();
          }));
      small_files[name] = content;
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
    RETURN_IF_ERROR(ReadMemberData(reader.get(), name, buffer, [&](const char* bytes, size_t size) {
      return writer->Write(bytes, size);
    }));
    auto digest = writer->Commit(expected);
    if (!digest.ok()) return digest.status().Annotate("image archive: member '" + name + "'");
    stored_blobs->push_back(*digest);
    member_digests[name] = *digest;
  }

  auto digest_of = [&](std::string member) -> StatusOr<std::string> {
    member = CleanName(member);
    for (int hops = 0; hops < 8 && symlinks.count(member); ++hops) member = symlinks[member];
    auto it = member_digests.find(member);
    if (it == member_digests.end())
      return InvalidArgument("image archive: manifest names missing member '" + member + "'");
    return it->second;
  };

  if (small_files.count("manifest.json")) {
    ASSIGN_OR_RETURN(rapidjson::Document manifest,
                     ParseJson(small_files["manifest.json"], "manifest.json"));
    if (!manifest.IsArray()) return InvalidArgument("manifest.json: expected an array of images");
    for (const auto& item : manifest.GetArray()) {
      ArchivedImage image;
      std::string config = StringMember(item, "Config");
      if (config.empty()) return InvalidArgument("manifest.json: an image has no Config");
      ASSIGN_OR_RETURN(image.config_digest, digest_of(config));
      auto layers = item.FindMember("Layers");
      if (layers == item.MemberEnd() || !layers->value.IsArray())
        return InvalidArgument("manifest.json: an image has no Layers");
      for (const auto& layer : layers->value.GetArray()) {
        if (!layer.IsString()) return InvalidArgument("manifest.json: a layer is not a string");
        ASSIGN_OR_RETURN(std::string layer_digest, digest_of(layer.GetString()));
        image.layer_digests.push_back(layer_digest);
      }
      auto tags = item.FindMember("RepoTags");
      if (tags != item.MemberEnd() && tags->value.IsArray()) {
        for (const auto& tag : tags->value.GetArray()) {
          if (tag.IsString()) image.references.push_back(tag.GetString());
        }
      }
      result.images.push_back(std::move(image));
    }
  } else if (small_files.count("index.json")) {
    ASSIGN_OR_RETURN(rapidjson::Document index, ParseJson(small_files["index.json"], "index.json"));
    auto manifests = index.IsObject() ? index.FindMember("manifests") : index.MemberEnd();
    if (!index.IsObject() || manifests == index.MemberEnd() || !manifests->value.IsArray()) {
      return InvalidArgument("index.json: expected an object with a manifests array");
    }
    for (const auto& descriptor : manifests->value.GetArray()) {
      std::string manifest_digest = StringMember(descriptor, "digest");
      if (!IsSha256Digest(manifest_digest) || !blobs->Contains(manifest_digest)) {
        return InvalidArgument("index.json: manifest " + manifest_digest +
                               " is not in the archive");
      }
      ASSIGN_OR_RETURN(std::string manifest_json, blobs->ReadBlob(manifest_digest));
      ASSIGN_OR_RETURN(rapidjson::Document manifest,
                       ParseJson(manifest_json, "manifest " + manifest_digest));
      ArchivedImage image;
      image.config_digest = StringMember(
          manifest.IsObject() && manifest.HasMember("config") ? manifest["config"] : manifest,
          "digest");
      if (!IsSha256Digest(image.config_digest) || !blobs->Contains(image.config_digest)) {
        return InvalidArgument("manifest " + manifest_digest + ": config blob is missing");
      }
      if (!manifest.HasMember("layers") || !manifest["layers"].IsArray()) {
        return InvalidArgument("manifest " + manifest_digest + ": no layers array");
      }
      for (const auto& layer : manifest["layers"].GetArray()) {
        std::string layer_digest = StringMember(layer, "digest");
        if (!IsSha256Digest(layer_digest) || !blobs->Contains(layer_digest)) {
          return InvalidArgument("manifest " + manifest_digest + ": layer " + layer_digest +
                                 " is missing");
        }
        image.layer_digests.push_back(layer_digest);
      }
      if (descriptor.HasMember("annotations") && descriptor["annotations"].IsObject()) {
        std::string ref =
            StringMember(descriptor["annotations"], "org.opencontainers.image.ref.name");
        if (!ref.empty()) image.references.push_back(ref);
      }
      result.images.push_back(std::move(image));
    }
  } else {
    return InvalidArgument("image archive: neither manifest.json nor index.json found");
  }
  if (result.images.empty()) return InvalidArgument("image archive: it holds no image");
  return result;
}

}  // namespace boxcar
