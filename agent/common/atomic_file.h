// Whole-file reads and crash-safe writes (unnamed temp file + fsync + link + rename + fsync of
// the dir).
#pragma once

#include <sys/types.h>

#include <string>

#include "common/status.h"

namespace boxcar {

// What a write must survive. kHostCrash (the default) fsyncs the file and its directory;
// kProcessCrash only renames, which no crash of a process can tear (the page cache outlives
// it), for records that lose their meaning when the host goes down anyway.
enum class Durability { kHostCrash, kProcessCrash };

// Replaces `path` with `content` so that a crash leaves either the old or the new file, and
// (on file systems with O_TMPFILE) no partial copy either. Safe from several threads at once.
Status WriteFileAtomically(const std::string& path, const std::string& content, mode_t mode = 0644,
                           Durability durability = Durability::kHostCrash);

// fsyncs the directory that holds `path`, making a rename or create in it durable.
Status SyncParentDirectory(const std::string& path);

StatusOr<std::string> ReadFileToString(const std::string& path);

}  // namespace boxcar
