#include "build/url_download.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "common/fd_io.h"
#include "common/sha256.h"
#include "common/unique_fd.h"

namespace boxcar {
namespace {

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};

struct Sink {
  int fd;
  Sha256 hasher;
  uint64_t written = 0;
  uint64_t max_bytes;
  bool too_large = false;
  Status failed;
};

size_t OnData(char* bytes, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t length = size * count;
  sink->written += length;
  if (sink->max_bytes && sink->written > sink->max_bytes) {
    sink->too_large = true;
    return 0;
  }
  sink->hasher.Update(bytes, length);
  if (Status written = WriteAll(sink->fd, std::string_view(bytes, length), "download");
      !written.ok()) {
    sink->failed = written;
    return 0;
  }
  return length;
}

}  // namespace

StatusOr<DownloadedFile> DownloadUrl(const std::string& url, const std::string& dir,
                                     const std::string& checksum, uint64_t max_bytes) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return InvalidArgument("'" + url + "': only http and https URLs are fetched");
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
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Internal("curl_easy_init failed");
  Sink sink{fd.get(), Sha256(), 0, max_bytes, false, OkStatus()};
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, OnData);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl.get(), CURLOPT_FILETIME, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 30L);
  CURLcode code = curl_easy_perform(curl.get());
  if (sink.too_large) {
    return ResourceExhausted("'" + url + "': more than " + std::to_string(max_bytes) + " bytes");
  }
  RETURN_IF_ERROR(sink.failed);
  if (code != CURLE_OK) {
    return Unavailable("'" + url + "': " + (error[0] ? error : curl_easy_strerror(code)));
  }
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) {
    return NotFound("'" + url + "': HTTP status " + std::to_string(status));
  }
  file.digest = sink.hasher.FinishDigest();
  if (!checksum.empty() && checksum != file.digest) {
    return InvalidArgument("'" + url + "': checksum mismatch: --checksum=" + checksum +
                           ", the content is " + file.digest);
  }
  long filetime = -1;
  curl_easy_getinfo(curl.get(), CURLINFO_FILETIME, &filetime);
  if (filetime >= 0) {
    struct timespec times[2] = {{filetime, 0}, {filetime, 0}};
    ::futimens(fd.get(), times);
  }
  return file;
}

}  // namespace boxcar
