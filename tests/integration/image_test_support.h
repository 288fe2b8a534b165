// What the image tests share: listings of the store for "nothing changed" comparisons, and
// archives written member by member.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "agent_harness.h"
#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/sha256.h"

namespace boxcar::testing {

// The names in layers/, tmp/ and blobs/sha256/ of an agent's root.
inline std::string StoreListing(const std::string& root_dir) {
  std::string listing;
  for (const char* dir : {"/layers", "/tmp", "/blobs/sha256"}) {
    for (const auto& name : ListDirectoryNames(root_dir + dir))
      listing += std::string(dir) + "/" + name + ";";
  }
  return listing;
}

// `count` files of 1 MiB that no compression shrinks, named `prefix`0, `prefix`1, ...: a layer
// that takes long enough to store to be killed midway.
inline std::vector<TarMember> IncompressibleFiles(const std::string& prefix, int count) {
  std::vector<TarMember> files;
  std::string chunk(1 << 20, '\0');
  for (int i = 0; i < count; ++i) {
    for (size_t j = 0; j < chunk.size(); j += 8) {
      uint64_t value = (static_cast<uint64_t>(i) << 32 | j) * 0x9E3779B97F4A7C15ull;
      std::memcpy(&chunk[j], &value, 8);
    }
    files.push_back({TarMember::kFile, prefix + std::to_string(i), chunk});
  }
  return files;
}

// Writes `work_dir`/`name`.tar, a docker-archive of one image whose only layer holds `files`,
// in skopeo's member order (config and layer first, manifest.json last); `repo_tags` is the
// JSON array of its tags. Returns the archive's path ("" if the layer cannot be read back).
inline std::string WriteSingleLayerArchive(const std::string& work_dir, const std::string& name,
                                           const std::vector<TarMember>& files,
                                           const std::string& repo_tags) {
  const std::string layer_path = work_dir + "/" + name + "-layer.tar";
  WriteTarball(layer_path, files);
  auto layer = ReadFileToString(layer_path);
  if (!layer.ok()) return "";
  const std::string config = R"({"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},)"
                             R"("rootfs":{"type":"layers","diff_ids":[")" +
                             Sha256Digest(*layer) + R"("]}})";
  const std::string config_name = Sha256Digest(config).substr(7) + ".json";
  const std::string layer_name = Sha256Digest(*layer).substr(7) + ".tar";
  const std::string archive = work_dir + "/" + name + ".tar";
  WriteTarball(archive, {{TarMember::kFile, config_name, config},
                         {TarMember::kFile, layer_name, *layer},
                         {TarMember::kFile, "manifest.json",
                          R"([{"Config":")" + config_name + R"(","RepoTags":)" + repo_tags +
                              R"(,"Layers":[")" + layer_name + R"("]}])"}});
  return archive;
}

}  // namespace boxcar::testing
