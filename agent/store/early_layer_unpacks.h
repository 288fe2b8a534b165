// Unpacks the layers of an image archive while the archive is still arriving. Each blob member
// that may be a layer (not empty, not JSON, not a blob whose layer the store already has) goes,
// as it is stored, into a queue in memory (layer_channel.h) that an unpacker on a thread of its
// own reads: storing the archive and unpacking its layers overlap instead of following each
// other, and a layer is not read back from its blob. The queue holds the blob writer's own
// blocks, lent (BlobStore::Writer::LendBlocks, at most kLentBytes ahead), not copies.
//
// What the unpackers make is only offered: ImageStore::PrepareImage takes an unpacked layer
// whose diff id and blob the image names, and unpacks any other layer from its blob as before.
// A member that was not a layer, or an unpack that failed (a hostile layer fails again, with
// its message, when the image needs it), costs time but changes nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"
#include "store/image_archive.h"
#include "store/layer_unpacker.h"

namespace boxcar {

class EarlyLayerUnpacks : public MemberTap {
 public:
  // `make_directory` makes an empty directory to unpack into; `has_layer_of` says whether the
  // store already has the layer of a blob ("sha256:<hex>", from a member's name).
  EarlyLayerUnpacks(UnpackLimits limits, std::function<StatusOr<std::string>()> make_directory,
                    std::function<bool(const std::string& digest)> has_layer_of);
  // Waits for the unpackers (every Copy must be gone) and removes what they made.
  ~EarlyLayerUnpacks() override;
  EarlyLayerUnpacks(const EarlyLayerUnpacks&) = delete;
  EarlyLayerUnpacks& operator=(const EarlyLayerUnpacks&) = delete;

  std::unique_ptr<Copy> Open(const std::string& name, uint64_t size,
                             std::string_view head) override;
  // Once the archive is read (every Copy gone): waits for the unpackers and hands over the
  // layers of the members that were stored and unpacked; the other directories are removed.
  // (Their directories are `make_directory`'s.)
  std::vector<UnpackedLayerDirectory> Finish();

 private:
  struct Unpack;
  class ChannelCopy;

  const UnpackLimits limits_;
  const std::function<StatusOr<std::string>()> make_directory_;
  const std::function<bool(const std::string&)> has_layer_of_;
  std::vector<std::unique_ptr<Unpack>> unpacks_;
};

}  // namespace boxcar
