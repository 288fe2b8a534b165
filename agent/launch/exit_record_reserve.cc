#include "launch/exit_record_reserve.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "common/atomic_file.h"
#include "common/fd_io.h"

namespace boxcar {

std::string ExitRecordReservePath(const std::string& exit_file) { return exit_file + ".reserve"; }

StatusOr<UniqueFd> MakeExitRecordReserve(const std::string& exit_file) {
  const std::string path = ExitRecordReservePath(exit_file);
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd) return ErrnoStatus("create the exit record's reserve '" + path + "'");
  // NUL bytes: never a record, until one is written over them.
  RETURN_IF_ERROR(WriteAll(fd.get(), std::string(kExitRecordReserveBytes, '\0'),
                           "the exit record's reserve '" + path + "'"));
  return fd;
}

Status WriteExitRecordInReserve(int reserve_fd, const ExitRecord& record) {
  const std::string json = ExitRecordToJson(record);
  if (json.size() > kExitRecordReserveBytes)
    return Internal("exit record: larger than its reserve");
  if (::pwrite(reserve_fd, json.data(), json.size(), 0) != static_cast<ssize_t>(json.size()))
    return ErrnoStatus("write the exit record into its reserve");
  if (::ftruncate(reserve_fd, static_cast<off_t>(json.size())) != 0)
    return ErrnoStatus("cut the exit record's reserve");
  return OkStatus();
}

bool RecordExit(const std::string& exit_file, const ExitRecord& record,
                const StatusOr<UniqueFd>& reserve, Durability durability, const char* shim_name) {
  Status written = WriteFileAtomically(exit_file, ExitRecordToJson(record), 0644, durability);
  if (written.ok()) {
    if (reserve.ok()) ::unlink(ExitRecordReservePath(exit_file).c_str());
    return true;
  }
  std::fprintf(stderr, "%s: %s\n", shim_name, written.message().c_str());
  if (!reserve.ok()) return false;
  Status reserved = WriteExitRecordInReserve(reserve->get(), record);
  if (!reserved.ok()) {
    std::fprintf(stderr, "%s: %s\n", shim_name, reserved.message().c_str());
    return false;
  }
  std::fprintf(stderr, "%s: exit record written into its reserve\n", shim_name);
  return true;
}

StatusOr<ExitRecord> ReadExitRecord(const std::string& exit_file) {
  auto json = ReadFileToString(exit_file);
  if (json.ok()) return ExitRecordFromJson(*json);
  if (json.status().code() != StatusCode::kNotFound) return json.status();
  auto reserved = ReadFileToString(ExitRecordReservePath(exit_file));
  if (!reserved.ok() || reserved->empty() || (*reserved)[0] == '\0') return json.status();
  return ExitRecordFromJson(*reserved);
}

}  // namespace boxcar
