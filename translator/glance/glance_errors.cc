#include "glance/glance_errors.h"

#include <rapidjson/document.h>

namespace boxcar::glance {
namespace {

// Glance's error bodies are HTML or {"message": ...}; keep a short, single-line excerpt.
std::string Excerpt(const std::string& body) {
  std::string text;
  bool in_tag = false;
  for (char c : body) {
    if (c == '<') in_tag = true;
    else if (c == '>') { in_tag = false; text += ' '; }
    else if (!in_tag) text += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  std::string squeezed;
  for (char c : text) {
    if (c == ' ' && (squeezed.empty() || squeezed.back() == ' ')) continue;
    squeezed += c;
  }
  while (!squeezed.empty() && squeezed.back() == ' ') squeezed.pop_back();
  if (squeezed.size() > 200) squeezed = squeezed.substr(0, 200) + "...";
  return squeezed;
}

}  // namespace

Status GlanceHttpError(long http_status, const std::string& what, const std::string& body) {
  std::string message = "glance: " + what + ": HTTP " + std::to_string(http_status);
  const std::string excerpt = Excerpt(body);
  auto with = [&](const char* meaning) {
    return message + " (" + meaning + ")" + (excerpt.empty() ? "" : ": " + excerpt);
  };
  switch (http_status) {
    case 400:
      return InvalidArgument(with("bad request"));
    case 401:
      return Status(StatusCode::kUnauthenticated, with("the token was refused: log in again"));
    case 403:
      return Status(StatusCode::kPermissionDenied, with("the project may not do this"));
    case 404:
      return NotFound(with("no such image, or not visible to this project"));
    case 409:
      return Status(StatusCode::kFailedPrecondition, with("conflict with the image's state"));
    case 413:
      return ResourceExhausted(with("too large, or over the project's image quota"));
    case 415:
      return InvalidArgument(with("unsupported media type"));
    default:
      if (http_status >= 500) return Unavailable(with("Glance failed"));
      return Unavailable(with("unexpected answer"));
  }
}

}  // namespace boxcar::glance
