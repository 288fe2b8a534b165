#include "build/context_reuse.h"

#include <fcntl.h>
#include <ftw.h>
#include <spdlog/spdlog.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/path_in_root.h"
#include "common/sha256.h"
#include "common/unique_fd.h"

namespace boxcar {
namespace {

constexpr char kIndexName[] = "index";
constexpr char kTreeName[] = "tree";

// "a/b/c": no leading "/", no empty, "." or ".." component, no NUL.
bool IsCleanRelative(const std::string& path) {
  if (path.empty() || path.size() >= 4096 || path.find('\0') != std::string::npos) return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string Base(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The directory holding `path` below `root_fd`, no symlink followed on the way.
UniqueFd OpenParent(int root_fd, const std::string& path) {
  const std::string parent = Parent(path);
  if (parent == ".") return UniqueFd(::fcntl(root_fd, F_DUPFD_CLOEXEC, 0));
  int fd = OpenBeneathWithoutSymlinks(root_fd, parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
  return UniqueFd(fd < 0 ? -1 : fd);
}

bool SameStat(const v1::ContextFile& a, const v1::ContextFile& b) {
  return a.size() == b.size() && a.mode() == b.mode() && a.mtime_ns() == b.mtime_ns() &&
         a.ctime_ns() == b.ctime_ns() && a.inode() == b.inode();
}

// The bytes of the regular files below `path`.
uint64_t TreeBytes(const std::string& path) {
  static thread_local uint64_t total;
  total = 0;
  (void)::nftw(
      path.c_str(),
      [](const char*, const struct stat* st, int type, struct FTW*) {
        if (type == FTW_F && S_ISREG(st->st_mode)) total += static_cast<uint64_t>(st->st_size);
        return 0;
      },
      16, FTW_PHYS);
  return total;
}

}  // namespace

uint64_t ContextReuse::DropAll(const std::string& contexts_dir) {
  uint64_t dropped = 0;
  for (const auto& entry : ListDirectoryNames(contexts_dir)) {
    // Moved away first, as Keep drops old keys: a build taking one meanwhile gets all or none.
    const std::string doomed = contexts_dir + ".dropped-" + entry;
    if (::rename((contexts_dir + "/" + entry).c_str(), doomed.c_str()) != 0) continue;
    dropped += TreeBytes(doomed);
    if (Status removed = RemoveTree(doomed); !removed.ok())
      spdlog::warn("build context {}: {}", entry.substr(0, 12), removed.message());
  }
  return dropped;
}

StatusOr<std::unique_ptr<ContextReuse>> ContextReuse::Take(const std::string& contexts_dir,
                                                           const std::string& key,
                                                           const std::string& scratch_dir,
                                                           uint64_t max_bytes) {
  if (key.size() > 8192) {
    return InvalidArgument("options.context_reuse_key: longer than 8192 bytes");
  }
  Sha256 hasher;
  hasher.Update(key);
  std::string name = hasher.FinishHex();
  std::string taken = scratch_dir + "/kept-context";
  if (::rename((contexts_dir + "/" + name).c_str(), taken.c_str()) != 0) {
    if (errno != ENOENT) {
      spdlog::warn("build context {}: cannot take the kept copy: {}", name.substr(0, 12),
                   std::strerror(errno));
    }
    taken.clear();
  }
  std::unique_ptr<ContextReuse> reuse(
      new ContextReuse(contexts_dir, std::move(name), std::move(taken), max_bytes));
  if (!reuse->taken_dir_.empty()) {
    Status loaded = reuse->LoadIndex();
    if (!loaded.ok()) {
      spdlog::warn("build context {}: kept copy unusable, every file is sent again: {}",
                   reuse->name_.substr(0, 12), loaded.message());
      reuse->kept_.clear();
    }
  }
  return reuse;
}

Status ContextReuse::LoadIndex() {
  ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(taken_dir_ + "/" + kIndexName));
  v1::KeptContextIndex index;
  if (!index.ParseFromString(bytes) || index.digests_size() != index.files_size()) {
    return DataLoss("unreadable index");
  }
  for (int i = 0; i < index.files_size(); ++i) {
    kept_[index.files(i).path()] = KeptFile{index.files(i), index.digests(i)};
  }
  return OkStatus();
}

Status ContextReuse::AddListing(const v1::ContextListing& listing) {
  for (int i = 0; i < listing.files_size(); ++i) {
    const v1::ContextFile& file = listing.files(i);
    const std::string field = "context_listing.files[" + std::to_string(listing_.size()) + "]";
    if (!IsCleanRelative(file.path())) {
      return InvalidArgument(field + ".path: '" + file.path() +
                             "' is not a clean relative path inside the context");
    }
    if (!S_ISREG(file.mode())) {
      return InvalidArgument(field + ".mode: only regular files are listed");
    }
    if (!listed_.emplace(file.path(), listing_.size()).second) {
      return InvalidArgument(field + ".path: '" + file.path() + "' listed twice");
    }
    listed_bytes_ += file.size();
    if (max_bytes_ && listed_bytes_ > max_bytes_) {
      return ResourceExhausted("build context: more than " + std::to_string(max_bytes_) +
                               " bytes; shrink it or list what is not needed in .dockerignore");
    }
    listing_.push_back(file);
  }
  return OkStatus();
}

bool ContextReuse::Unchanged(const v1::ContextFile& file) const {
  auto kept = kept_.find(file.path());
  return kept != kept_.end() && SameStat(kept->second.stat, file);
}

v1::ContextWanted ContextReuse::Wanted() {
  v1::ContextWanted wanted;
  wanted_.clear();
  reused_.clear();
  for (size_t i = 0; i < listing_.size(); ++i) {
    auto& list = Unchanged(listing_[i]) ? reused_ : wanted_;
    list.push_back(static_cast<uint32_t>(i));
  }
  for (uint32_t index : wanted_) wanted.add_indices(index);
  return wanted;
}

ContextReuse::~ContextReuse() {
  if (settled_ || taken_dir_.empty()) return;
  // Back where it was taken from, unless a build of the same key has kept a newer one since.
  if (::rename(taken_dir_.c_str(), (contexts_dir_ + "/" + name_).c_str()) != 0) {
    spdlog::debug("build context {}: kept copy not put back: {}", name_.substr(0, 12),
                  std::strerror(errno));
  }
}

Status ContextReuse::Fill(const std::string& context_dir, FileDigests* digests) {
  settled_ = true;
  if (reused_.empty()) return OkStatus();
  const std::string tree = taken_dir_ + "/" + kTreeName;
  UniqueFd from_root(::open(tree.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  UniqueFd to_root(::open(context_dir.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!from_root || !to_root) return ErrnoStatus("build context: opening the kept copy");
  for (uint32_t index : reused_) {
    const v1::ContextFile& file = listing_[index];
    const std::string field = "context_listing.files[" + std::to_string(index) + "]";
    UniqueFd from = OpenParent(from_root.get(), file.path());
    struct stat st;
    if (!from || ::fstatat(from.get(), Base(file.path()).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) != file.size()) {
      return FailedPrecondition(field + ": '" + file.path() +
                                "' is missing from the kept context; build again (it will be "
                                "sent in full)");
    }
    UniqueFd to = OpenParent(to_root.get(), file.path());
    if (!to) {
      return InvalidArgument(field + ".path: the directory of '" + file.path() +
                             "' is not in the context tar (or is a symlink)");
    }
    if (::renameat2(from.get(), Base(file.path()).c_str(), to.get(), Base(file.path()).c_str(),
                    RENAME_NOREPLACE) != 0) {
      if (errno == EEXIST) {
        return InvalidArgument(field + ".path: '" + file.path() +
                               "' came in the tar although the agent did not ask for it");
      }
      return ErrnoStatus("build context: moving '" + file.path() + "' from the kept copy");
    }
    const std::string& digest = kept_[file.path()].digest;
    if (!digest.empty()) (*digests)[context_dir + "/" + file.path()] = digest;
  }
  return OkStatus();
}

void ContextReuse::Keep(const std::string& context_dir, const FileDigests& digests) {
  settled_ = true;
  // What the next build may trust: listed files that are in the context as listed.
  v1::KeptContextIndex index;
  UniqueFd root(::open(context_dir.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!root) return;
  for (const auto& file : listing_) {
    UniqueFd parent = OpenParent(root.get(), file.path());
    struct stat st;
    if (!parent ||
        ::fstatat(parent.get(), Base(file.path()).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) != file.size()) {
      continue;
    }
    *index.add_files() = file;
    auto digest = digests.find(context_dir + "/" + file.path());
    index.add_digests(digest == digests.end() ? "" : digest->second);
  }
  const std::string staging = Parent(context_dir) + "/keep-context";
  Status kept = [&]() -> Status {
    RETURN_IF_ERROR(MakeDirectories(contexts_dir_, 0700));
    RETURN_IF_ERROR(MakeDirectories(staging, 0700));
    if (::rename(context_dir.c_str(), (staging + "/" + kTreeName).c_str()) != 0) {
      return ErrnoStatus("moving the context aside");
    }
    RETURN_IF_ERROR(WriteFileAtomically(staging + "/" + kIndexName, index.SerializeAsString(),
                                        0600, Durability::kProcessCrash));
    if (::rename(staging.c_str(), (contexts_dir_ + "/" + name_).c_str()) != 0) {
      // Another build of the key kept its context meanwhile: that one stays.
      return ErrnoStatus("keeping the context");
    }
    return OkStatus();
  }();
  if (!kept.ok()) {
    spdlog::info("build context {} not kept: {}", name_.substr(0, 12), kept.message());
    (void)RemoveTree(staging);
    return;
  }
  // The least recently kept keys beyond kKeptContexts go.
  std::vector<std::pair<int64_t, std::string>> by_age;
  for (const auto& entry : ListDirectoryNames(contexts_dir_)) {
    struct stat st;
    if (::stat((contexts_dir_ + "/" + entry + "/" + kIndexName).c_str(), &st) != 0) continue;
    by_age.emplace_back(st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec, entry);
  }
  std::sort(by_age.rbegin(), by_age.rend());
  // Moved away first, so that a build taking one meanwhile gets all of it or nothing.
  for (size_t i = kKeptContexts; i < by_age.size(); ++i) {
    const std::string doomed = staging + "-old-" + std::to_string(i);
    if (::rename((contexts_dir_ + "/" + by_age[i].second).c_str(), doomed.c_str()) == 0) {
      (void)RemoveTree(doomed);
    }
  }
}

}  // namespace boxcar
