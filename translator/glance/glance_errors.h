// Glance's HTTP statuses as Boxcar statuses, with a message that says what it means for the
// caller (401: token, 403: not allowed, 404: no such image or not visible to the project, 409:
// state conflict, 413: too large or over quota).
#pragma once

#include <string>

#include "common/status.h"

namespace boxcar::glance {

// `what` is the operation and its object: "downloading image 1234".
Status GlanceHttpError(long http_status, const std::string& what, const std::string& body);

}  // namespace boxcar::glance
