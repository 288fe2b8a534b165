// The files of a container's output log as its shim rotates them (launch/output_log_files.h),
// seen by a reader: which file comes after the one it has read to its end, even while the
// writer renames them under it. Files are told apart by inode, never by name: a name moves on
// at each rotation.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/unique_fd.h"

namespace boxcar {

struct OutputLogFile {
  UniqueFd fd;
  dev_t device = 0;
  ino_t inode = 0;
  explicit operator bool() const { return static_cast<bool>(fd); }
};

class OutputLogChain {
 public:
  // The log `name` (e.g. "output.log") in `dir`.
  OutputLogChain(const std::string& dir, std::string name);

  // Whether any file of the log exists.
  bool Exists() const;
  // The oldest file kept; none when there is no file.
  OutputLogFile OpenOldest() const;
  // The file being written; the one just retired while a rotation has not yet made the next.
  OutputLogFile OpenNewest() const;
  // Every file, newest first (a snapshot for --tail).
  std::vector<OutputLogFile> OpenAllNewestFirst() const;

  // True once the writer has renamed `file` away from the name it writes to: nothing more
  // will be appended to it.
  bool IsRetired(const OutputLogFile& file) const;
  // The file written after the retired `file` (the oldest kept when `file` was dropped); none
  // while a rotation has not finished making it.
  OutputLogFile OpenNext(const OutputLogFile& file) const;

 private:
  OutputLogFile OpenGeneration(uint32_t generation) const;
  bool GenerationIs(uint32_t generation, const OutputLogFile& file) const;
  OutputLogFile TryOpenNext(const OutputLogFile& file) const;

  UniqueFd dir_;
  std::string name_;
};

}  // namespace boxcar
