// Build contexts kept between builds of the same directory (BuildOptions.context_reuse_key), so
// that a rebuild uploads only what changed, as BuildKit's local sources do. The client lists the
// context's regular files with their stat (size, mode, mtime, ctime, inode); the agent asks for
// the files whose stat differs from the listing of the build that left the kept copy, and moves
// the others from the kept copy into the new context, their content digests with them, so the
// build cache reads none of them again.
//
// Kept contexts live in `contexts_dir`/<sha256 of the key>/{tree/,index}. A build takes one by
// renaming it into its scratch directory (two builds of one key never share a copy; a kill -9
// leaves it in the store's tmp/, cleared at start-up) and, when it ends, puts its own context
// there in its place; the most recently used `kKeptContexts` keys stay, the others go.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "boxcar/v1/build.pb.h"
#include "build/build_context.h"
#include "common/status.h"

namespace boxcar {

inline constexpr size_t kKeptContexts = 4;

class ContextReuse {
 public:
  // Takes the kept context of `key` (none yet: every file will be asked for) into
  // `scratch_dir`. `max_bytes` (0: no limit) bounds the listed files' total size.
  static StatusOr<std::unique_ptr<ContextReuse>> Take(const std::string& contexts_dir,
                                                      const std::string& key,
                                                      const std::string& scratch_dir,
                                                      uint64_t max_bytes);

  // One listing message; paths must be clean and relative, each listed once. Errors name the
  // field ("context_listing.files[3].path").
  Status AddListing(const v1::ContextListing& listing);
  // Once the listing is complete: the indices of the files the tar must carry.
  v1::ContextWanted Wanted();

  // After the tar went into `context_dir`: the unchanged files move in from the kept copy (a
  // file the tar carried anyway, or a directory the tar lacks, is refused), and `digests`
  // gets their content digests.
  Status Fill(const std::string& context_dir, FileDigests* digests);

  // When the build is over: `context_dir` (moved) becomes the key's kept context, with the
  // digests the build computed or reused; older keys beyond kKeptContexts are removed.
  // Failures only cost the next build its reuse (logged).
  void Keep(const std::string& context_dir, const FileDigests& digests);

  // Removes every kept context under `contexts_dir` (image prune -a: they are the build
  // cache's too); a build holding one taken keeps it. Returns the bytes of their files.
  static uint64_t DropAll(const std::string& contexts_dir);

  // A build refused before Fill (a bad listing or chunk, a cancel) puts the kept context back
  // as it was: a bad request costs the key nothing.
  ~ContextReuse();
  ContextReuse(const ContextReuse&) = delete;
  ContextReuse& operator=(const ContextReuse&) = delete;

  uint32_t files_sent() const { return static_cast<uint32_t>(wanted_.size()); }
  uint32_t files_reused() const { return static_cast<uint32_t>(reused_.size()); }

 private:
  struct KeptFile {
    v1::ContextFile stat;
    std::string digest;
  };
  ContextReuse(std::string contexts_dir, std::string name, std::string taken_dir,
               uint64_t max_bytes)
      : contexts_dir_(std::move(contexts_dir)),
        name_(std::move(name)),
        taken_dir_(std::move(taken_dir)),
        max_bytes_(max_bytes) {}
  Status LoadIndex();
  bool Unchanged(const v1::ContextFile& file) const;

  std::string contexts_dir_;
  std::string name_;       // the key's directory name under contexts_dir_
  std::string taken_dir_;  // the kept context, taken (its tree/ and index), or ""
  bool settled_ = false;   // Fill began moving files out of it, or Keep replaced it
  uint64_t max_bytes_;
  uint64_t listed_bytes_ = 0;
  std::map<std::string, KeptFile> kept_;  // by path: what the kept index says
  std::vector<v1::ContextFile> listing_;
  std::map<std::string, size_t> listed_;  // path -> index in listing_
  std::vector<uint32_t> wanted_;
  std::vector<uint32_t> reused_;
};

}  // namespace boxcar
