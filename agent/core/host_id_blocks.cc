#include "core/host_id_blocks.h"

#include <algorithm>
#include <string>

namespace boxcar {

namespace {

std::string IdBlockText(uint64_t first, uint64_t size) {
  return std::to_string(first) + "-" + std::to_string(first + size - 1);
}

}  // namespace

void AppendHostIdBlocks(const v1::ContainerSpec& spec, std::vector<HostIdBlock>* taken) {
  if (!spec.has_userns()) return;
  taken->push_back({spec.userns().host_uid(), spec.userns().size()});
  taken->push_back({spec.userns().host_gid(), spec.userns().size()});
}

StatusOr<v1::UserNamespace> PlaceHostIdBlock(const HostIdRange& range,
                                             const std::vector<HostIdBlock>& taken,
                                             const v1::UserNamespace& wanted) {
  const uint64_t range_end = range.first + range.count;
  const uint64_t size = wanted.size() ? wanted.size() : kDefaultUserNamespaceSize;
  const std::string range_text = IdBlockText(range.first, range.count);
  auto holder_of = [&](uint64_t first) -> const HostIdBlock* {
    for (const auto& block : taken) {
      if (first < block.first + block.size && block.first < first + size) return &block;
    }
    return nullptr;
  };
  v1::UserNamespace placed;
  placed.set_size(static_cast<uint32_t>(size));
  if (wanted.host_uid() != 0) {
    for (uint64_t first : {uint64_t{wanted.host_uid()}, uint64_t{wanted.host_gid()}}) {
      if (first < range.first || first + size > range_end) {
        return InvalidArgument("spec.userns: host ids " + IdBlockText(first, size) +
                               " lie outside the agent's --userns-range " + range_text);
      }
      if (const HostIdBlock* block = holder_of(first)) {
        return AlreadyExists("spec.userns: host ids " + IdBlockText(first, size) + " overlap ids " +
                             IdBlockText(block->first, block->size) + " of another container");
      }
    }
    placed.set_host_uid(wanted.host_uid());
    placed.set_host_gid(wanted.host_gid());
    return placed;
  }
  // The lowest free start: the range's first id or the end of a taken block.
  std::vector<uint64_t> starts = {range.first};
  for (const auto& block : taken) starts.push_back(block.first + block.size);
  std::sort(starts.begin(), starts.end());
  for (uint64_t first : starts) {
    if (first < range.first || first + size > range_end || holder_of(first)) continue;
    placed.set_host_uid(static_cast<uint32_t>(first));
    placed.set_host_gid(static_cast<uint32_t>(first));
    return placed;
  }
  return ResourceExhausted("spec.userns: no block of " + std::to_string(size) +
                           " free host ids is left in --userns-range " + range_text + " (" +
                           std::to_string(taken.size() / 2) +
                           " containers hold blocks); remove containers or widen the range");
}

}  // namespace boxcar
