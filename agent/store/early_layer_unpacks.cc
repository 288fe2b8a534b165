#include "store/early_layer_unpacks.h"

#include <system_error>
#include <utility>

#include "common/directory_tree.h"
#include "common/sha256.h"
#include "store/layer_channel.h"

namespace boxcar {

namespace {

// How far a member's copy may run ahead of its unpacker.
constexpr size_t kChannelBytes = 16 << 20;
// The same for the blob writer's blocks, lent to the unpacker: blocks come from a pool all
// writers share, and a pull's parallel layers together stay within it (4 + 2 blocks each).
// 4 MiB cost a cold agent 2,500 more page faults a pull (the unpacker sets the pace).
constexpr size_t kLentBytes = 2 << 20;

// Configs, manifests and indexes are JSON objects; a layer is a tar or a compressed stream.
bool LooksLikeJson(std::string_view head) {
  size_t first = head.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (head[first] == '{' || head[first] == '[');
}

// The blob digest a member's name gives: OCI "blobs/sha256/<hex>", skopeo's "<hex>.tar".
std::string DigestFromName(const std::string& name) {
  std::string hex;
  if (name.rfind("blobs/sha256/", 0) == 0) {
    hex = name.substr(13);
  } else if (name.size() == 68 && name.compare(64, 4, ".tar") == 0) {
    hex = name.substr(0, 64);
  }
  std::string digest = "sha256:" + hex;
  return IsSha256Digest(digest) ? digest : "";
}

}  // namespace

struct EarlyLayerUnpacks::Unpack {
  std::string dir;
  std::thread thread;
  std::mutex mutex;         // guards blob_digest and blob_size
  std::string blob_digest;  // set when the member is stored
  uint64_t blob_size = 0;
  std::optional<StatusOr<UnpackedLayer>> outcome;  // written by `thread`
};

// Feeds one member to its unpacker. A full channel makes Write wait for the unpacker; an
// unpacker that gave up (a hostile or non-layer member) closed its end, and the copy stops.
class EarlyLayerUnpacks::ChannelCopy : public MemberTap::Copy {
 public:
  ChannelCopy(Unpack* unpack, std::shared_ptr<LayerChannel> channel)
      : unpack_(unpack), channel_(std::move(channel)) {}
  // Without Finish: the unpacker sees the end of a member that was never stored.
  ~ChannelCopy() override { channel_->CloseWrite(); }

  void Write(const char* bytes, size_t size) override {
    if (open_) open_ = channel_->Write(bytes, size);
  }

  LentBlockSink LentBlocks() override {
    return [channel = channel_](LentBlock block) { channel->Push(std::move(block)); };
  }
  size_t max_lent_bytes() const override { return kLentBytes; }

  void Finish(const std::string& digest, uint64_t size) override {
    {
      std::lock_guard<std::mutex> lock(unpack_->mutex);
      unpack_->blob_digest = digest;
      unpack_->blob_size = size;  // the unpacker may have stopped reading before the end
    }
    channel_->CloseWrite();  // end of the layer for the unpacker
  }

 private:
  Unpack* unpack_;
  std::shared_ptr<LayerChannel> channel_;
  bool open_ = true;  // false once the unpacker is gone
};

EarlyLayerUnpacks::EarlyLayerUnpacks(UnpackLimits limits,
                                     std::function<StatusOr<std::string>()> make_directory,
                                     std::function<bool(const std::string& digest)> has_layer_of)
    : limits_(limits),
      make_directory_(std::move(make_directory)),
      has_layer_of_(std::move(has_layer_of)) {}

EarlyLayerUnpacks::~EarlyLayerUnpacks() {
  for (const auto& layer : Finish()) (void)RemoveTree(layer.dir);
}

std::unique_ptr<MemberTap::Copy> EarlyLayerUnpacks::Open(const std::string& name, uint64_t size,
                                                         std::string_view head) {
  if (size == 0 || LooksLikeJson(head)) return nullptr;
  if (std::string digest = DigestFromName(name); !digest.empty() && has_layer_of_(digest))
    return nullptr;
  auto channel = std::make_shared<LayerChannel>(kChannelBytes);
  auto dir = make_directory_();
  if (!dir.ok()) return nullptr;
  auto unpack = std::make_unique<Unpack>();
  unpack->dir = *dir;
  Unpack* raw = unpack.get();
  try {
    unpack->thread = std::thread([this, raw, name, channel] {
      LayerBlockReader read = [&channel](const void** block, size_t* size) {
        std::string_view chunk = channel->Read();
        *block = chunk.data();
        *size = chunk.size();
        return true;
      };
      auto outcome = UnpackLayerStream("member '" + name + "'", read, raw->dir, limits_, [raw] {
        std::lock_guard<std::mutex> lock(raw->mutex);
        return raw->blob_digest;
      });
      // Before anything else: a copy waiting on a full channel wakes and moves on.
      channel->CloseRead();
      raw->outcome = std::move(outcome);
    });
  } catch (const std::system_error&) {
    (void)RemoveTree(*dir);
    return nullptr;
  }
  unpacks_.push_back(std::move(unpack));
  return std::make_unique<ChannelCopy>(raw, std::move(channel));
}

std::vector<UnpackedLayerDirectory> EarlyLayerUnpacks::Finish() {
  std::vector<UnpackedLayerDirectory> layers;
  for (auto& unpack : unpacks_) {
    unpack->thread.join();
    std::lock_guard<std::mutex> lock(unpack->mutex);
    if (!unpack->blob_digest.empty() && unpack->outcome && unpack->outcome->ok()) {
      const UnpackedLayer& unpacked = **unpack->outcome;
      layers.push_back({unpack->dir, unpacked.diff_id, unpack->blob_digest, unpack->blob_size,
                        unpacked.unpacked_bytes});
    } else {
      (void)RemoveTree(unpack->dir);
    }
  }
  unpacks_.clear();
  return layers;
}

}  // namespace boxcar
