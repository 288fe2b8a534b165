// COPY and ADD: sources written into a fresh layer directory (what the step adds), with
// Docker's destination rules: a source directory's contents go into the destination; a file
// goes to DEST/NAME when DEST ends in "/", names a directory of the image, or there are
// several sources, else to DEST itself. Parent directories missing from the layer are made
// with the image's owner and mode where the image has them (0755 root otherwise), so the
// layer does not change them.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "build/build_context.h"
#include "build/image_rootfs_view.h"

namespace boxcar {

struct CopyOptions {
  std::string destination;  // absolute, inside the image
  std::optional<std::pair<uid_t, gid_t>> owner;  // --chown; 0:0 when unset
  std::optional<mode_t> mode;                    // --chmod
  bool extract_archives = false;                 // ADD: local tar archives are unpacked
  // Polled between entries and chunks of large files: true stops the copy (kCancelled).
  std::function<bool()> cancelled;
};

Status CopyIntoLayer(const std::vector<ContextSource>& sources, const std::string& layer_dir,
                     const CopyOptions& options, const ImageRootfsView& image);

// WORKDIR of a directory the image lacks: `path` (absolute, its symlinks resolved) and its
// missing parents made in `layer_dir`, root's and 0755 where the image has none.
Status MakeDirectoryInLayer(const std::string& path, const std::string& layer_dir,
                            const ImageRootfsView& image);

// "755" -> 0755; false unless octal digits up to 07777.
bool ParseOctalMode(const std::string& text, mode_t* mode);

}  // namespace boxcar
