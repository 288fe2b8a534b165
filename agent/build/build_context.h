// The build context the CLI streamed, unpacked into a directory of the agent's: COPY / ADD
// sources found in it (globs too) without ever leaving it, and the content digest of a set of
// sources for the cache.
//
// Refused (kInvalidArgument): absolute sources, sources whose ".." climb out of the context,
// and symlinks whose target is absolute or climbs out (the one link a source names is
// followed inside the context; links inside a copied directory are copied as links).
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace boxcar {

struct ContextSource {
  std::string relative_path;  // as matched, inside the context ("src/a.txt")
  std::string path;           // the real path, symlinks of the source resolved
  bool downloaded = false;    // fetched by ADD from a URL: never unpacked
};

// The resolved sources of one pattern ("app/", "*.txt", "."); none matching is kNotFound.
// `root` is the context, or with `filesystem` another stage's root filesystem (COPY --from),
// where absolute names and absolute link targets resolve inside the root.
StatusOr<std::vector<ContextSource>> ResolveContextSources(const std::string& root,
                                                           const std::string& pattern,
                                                           bool filesystem = false);

// Content digests ("sha256:...") of regular files by their path: given beforehand for files
// whose content is known (a reused context: context_reuse.h), filled in while hashing.
using FileDigests = std::unordered_map<std::string, std::string>;

// sha256 over the sources' names, types, modes, sizes, content digests and link targets
// (owners and times are not part of it: COPY sets its own owners). A regular file found in
// `known` is not read.
StatusOr<std::string> SourcesDigest(const std::vector<ContextSource>& sources,
                                    FileDigests* known = nullptr);

// "a/../b/./c" -> "b/c"; false when it climbs above its start.
bool CleanRelativePath(const std::string& path, std::string* cleaned);

}  // namespace boxcar
