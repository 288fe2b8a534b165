// Runs the transfers of an image's blobs a few at a time: `count` items on at most `threads`
// threads (the calling one included). The first failure stops the others (their `stop` turns
// true, which their HTTP exchanges poll) and is the one returned; a caller gone is kCancelled.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "common/status.h"
#include "distribution/image_transport.h"

namespace boxcar {

Status RunParallelTransfers(
    size_t count, uint32_t threads,
    const std::function<Status(size_t index, const std::function<bool()>& stop)>& one,
    const TransferCancelCheck& cancelled);

}  // namespace boxcar
