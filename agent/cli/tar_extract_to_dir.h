// `boxcar cp CONTAINER:PATH HOST_PATH`'s extraction: members of a tar stream created below a
// host directory, the stream's top name replaced by the one the destination asks for. A
// member that is absolute, has "..", or would be reached through a symlink (the stream's or
// one already there) is refused; devices and fifos are skipped with a warning. Files belong
// to the user running the CLI (as `docker cp`).
#pragma once

#include <string>
#include <string_view>

#include "cli/tar_reader.h"

namespace boxcar::cli {

class TarExtractToDir {
 public:
  // Members named `from_top` or `from_top`/... land as `to_top`/... below `dir`.
  TarExtractToDir(std::string dir, std::string from_top, std::string to_top);
  ~TarExtractToDir();

  // The stream's next bytes; "" or an error naming the member.
  std::string Feed(std::string_view bytes) { return reader_.Feed(bytes); }
  std::string Finish() { return reader_.Finish(); }

 private:
  std::string Header(const TarHeader& header);
  std::string Data(std::string_view bytes);
  std::string End();
  // Descriptor of the member's parent directory (made where missing), or -1 with `error`.
  int OpenParent(const std::string& relative, std::string* base, std::string* error);

  std::string dir_, from_top_, to_top_;
  int dir_fd_ = -1;
  TarReader reader_;
  std::string member_;
  int file_fd_ = -1;  // the regular file being written
  TarHeader current_;
  int current_parent_fd_ = -1;
  std::string current_base_;
};

}  // namespace boxcar::cli
