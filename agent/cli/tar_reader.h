// A tar stream read as it arrives (the CLI carries no libarchive): ustar and GNU headers,
// pax records for path, linkpath, size and mtime, GNU long names. Enough for what boxcard's
// libarchive writes for `boxcar cp CONTAINER:PATH HOST_PATH`.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace boxcar::cli {

struct TarHeader {
  std::string name;
  char type = '0';  // '0' file, '5' directory, '2' symlink, '1' hard link, '3'/'4'/'6' devices
  uint32_t mode = 0;
  int64_t mtime = 0;
  uint64_t size = 0;
  std::string link_name;
};

class TarReader {
 public:
  // `header` starts a member (false: stop with its error), `data` gets its bytes in order,
  // `end` closes it. Returns "" or an error.
  struct Callbacks {
    std::function<std::string(const TarHeader&)> header;
    std::function<std::string(std::string_view)> data;
    std::function<std::string()> end;
  };
  explicit TarReader(Callbacks callbacks) : callbacks_(std::move(callbacks)) {}

  // The next bytes of the stream; "" or the first error.
  std::string Feed(std::string_view bytes);
  // After the last Feed: "" when the stream ended cleanly (or at its end blocks).
  std::string Finish() const;

 private:
  std::string ParseHeader(const char* block);
  void ApplyPax(std::string_view records);

  Callbacks callbacks_;
  std::string block_;       // a header block being gathered
  uint64_t data_left_ = 0;  // of the member's data
  uint64_t padding_left_ = 0;
  bool in_member_ = false;
  enum class Extension { kNone, kPax, kGlobalPax, kLongName, kLongLink } extension_ = Extension::kNone;
  std::string extension_data_;
  TarHeader pending_;  // what pax and GNU records say about the next member
  bool has_pending_path_ = false, has_pending_link_ = false, has_pending_size_ = false;
  bool ended_ = false;  // a zero block was seen
};

}  // namespace boxcar::cli
