#include "core/legacy_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string_view>

#include "common/atomic_file.h"
#include "common/unique_fd.h"
#include "core/container_paths.h"
#include "launch/log_records.h"

namespace boxcar {

Status ConvertLegacyOutput(const std::string& state_dir) {
  const std::string legacy_paths[2] = {state_dir + kStdoutLogFile, state_dir + kStderrLogFile};
  const LogRecordStream streams[2] = {LogRecordStream::kStdout, LogRecordStream::kStderr};
  UniqueFd legacy[2];
  for (int i = 0; i < 2; ++i) legacy[i].reset(::open(legacy_paths[i].c_str(), O_RDONLY | O_CLOEXEC));
  if (!legacy[0] && !legacy[1]) return OkStatus();

  const std::string output_path = state_dir + kOutputLogFile;
  // Converted before, and the legacy logs not yet removed: output.log already has them.
  if (::access(output_path.c_str(), F_OK) != 0) {
    const std::string converting = output_path + ".converting";
    UniqueFd out(::open(converting.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
    if (!out) return ErrnoStatus("create '" + converting + "'");
    std::string chunk(64 * 1024, '\0');
    for (int i = 0; i < 2; ++i) {
      struct stat st;
      if (!legacy[i] || ::fstat(legacy[i].get(), &st) != 0) continue;
      const int64_t written_ns =
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
      for (;;) {
        ssize_t n = ::read(legacy[i].get(), chunk.data(), chunk.size());
        if (n < 0) return ErrnoStatus("read '" + legacy_paths[i] + "'");
        if (n == 0) break;
        RETURN_IF_ERROR(AppendLogRecord(out.get(), streams[i],
                                        std::string_view(chunk.data(), static_cast<size_t>(n)),
                                        written_ns)
                            .Annotate("convert '" + legacy_paths[i] + "'"));
      }
    }
    if (::rename(converting.c_str(), output_path.c_str()) != 0) {
      return ErrnoStatus("rename '" + converting + "' to '" + output_path + "'");
    }
  }
  for (const auto& path : legacy_paths) ::unlink(path.c_str());
  return OkStatus();
}

}  // namespace boxcar
