// A pax tar written by libarchive into a string, for unit tests that feed archives to a reader:
// `add` writes the members (archive_write_header / archive_write_data) with the writer given.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <functional>
#include <string>

namespace boxcar::testing {

inline std::string TarBytes(const std::function<void(archive*)>& add) {
  std::string out;
  archive* writer = archive_write_new();
  archive_write_set_format_pax_restricted(writer);
  archive_write_open(
      writer, &out, nullptr,
      [](archive*, void* self, const void* bytes, size_t size) -> la_ssize_t {
        static_cast<std::string*>(self)->append(static_cast<const char*>(bytes), size);
        return static_cast<la_ssize_t>(size);
      },
      nullptr);
  add(writer);
  archive_write_close(writer);
  archive_write_free(writer);
  return out;
}

}  // namespace boxcar::testing
