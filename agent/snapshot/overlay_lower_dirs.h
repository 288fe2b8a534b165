// The lower directories of an overlay mount. An image may list one layer more than once (two
// RUN steps that change nothing store the same empty layer; a registry image may repeat a
// layer), but overlayfs refuses a lowerdir that names a directory twice ("Too many levels of
// symbolic links", ELOOP), with mount(2) and with fsconfig's "lowerdir+" alike.
#pragma once

#include <string>
#include <vector>

namespace boxcar {

// `layer_dirs` (lowest first) with each directory kept only at its topmost place, order
// otherwise unchanged. The merged tree is the same: the upper copy holds every entry of the
// lower one (whiteouts and opaque directories included) and masks it.
std::vector<std::string> DistinctLowerDirs(const std::vector<std::string>& layer_dirs);

}  // namespace boxcar
