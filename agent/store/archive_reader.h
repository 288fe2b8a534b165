// libarchive readers as the image store uses them: owned, and open to what images hold.
#pragma once

#include <archive.h>

#include <memory>

namespace boxcar {

struct ArchiveReadDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchiveReader = std::unique_ptr<archive, ArchiveReadDeleter>;

// The compressions images use: gzip, zstd, xz and bzip2. Not filter_all, which would also
// enable uudecode and filters that run external programs.
inline void SupportImageCompressions(archive* reader) {
  archive_read_support_filter_gzip(reader);
  archive_read_support_filter_zstd(reader);
  archive_read_support_filter_xz(reader);
  archive_read_support_filter_bzip2(reader);
}

}  // namespace boxcar
