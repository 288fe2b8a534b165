#include "build/url_download.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fd_io.h"
#include "common/sha256.h"
#include "common/unique_fd.h"
#include "http/http_client.h"
#include "http/url_for_messages.h"

namespace boxcar {

StatusOr<DownloadedFile> DownloadUrl(const std::string& url, const std::string& dir,
                                     const std::string& checksum, uint64_t max_bytes,
                                     const std::function<bool()>& cancelled) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return InvalidArgument("'" + UrlForMessages(url) + "': only http and https URLs are fetched");
  }
  if (!checksum.empty() && !IsSha256Digest(checksum)) {
    return InvalidArgument("--checksum=" + checksum + ": expected sha256:<64 hex digits>");
  }
  std::string path_part = url.substr(url.find("://") + 3);
  path_part = path_part.substr(0, path_part.find_first_of("?#"));
  size_t slash = path_part.find('/');
  std::string name =
      slash == std::string::npos ? "" : path_part.substr(path_part.rfind('/') + 1);
  if (name.empty() || name == "." || name == "..") name = "download";
  DownloadedFile file{dir + "/" + name, name, ""};
  UniqueFd fd(::open(file.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) return ErrnoStatus("create '" + file.path + "'");
  Sha256 hasher;
  uint64_t written = 0;
  HttpRequest request;
  request.url = url;
  request.follow_redirects = true;
  request.max_redirects = 5;
  request.connect_timeout_seconds = 30;
  request.want_file_time = true;
  request.cancelled = cancelled;
  request.max_kept_body_bytes = 64 << 10;  // an error page is not kept whole
  request.body_sink = [&](long, const char* bytes, size_t size) -> Status {
    written += size;
    if (max_bytes && written > max_bytes) {
      return ResourceExhausted("'" + UrlForMessages(url) + "': more than " +
                               std::to_string(max_bytes) + " bytes");
    }
    hasher.Update(bytes, size);
    return WriteAll(fd.get(), std::string_view(bytes, size), "download");
  };
  ASSIGN_OR_RETURN(HttpResponse response, PerformHttp(request));
  if (response.status < 200 || response.status >= 300) {
    return NotFound("'" + UrlForMessages(url) + "': HTTP status " +
                    std::to_string(response.status));
  }
  file.digest = hasher.FinishDigest();
  if (!checksum.empty() && checksum != file.digest) {
    return InvalidArgument("'" + UrlForMessages(url) + "': checksum mismatch: --checksum=" +
                           checksum + ", the content is " + file.digest);
  }
  if (response.file_time >= 0) {
    struct timespec times[2] = {{response.file_time, 0}, {response.file_time, 0}};
    ::futimens(fd.get(), times);
  }
  return file;
}

}  // namespace boxcar
