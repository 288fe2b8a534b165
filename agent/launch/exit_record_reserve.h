// The room of a container's exit record, taken when its shim starts: on a disk that fills up
// while the container runs, the atomic write of exit.json (a new file) fails, and the exit
// code would be lost (reported as 255). The shim then writes the record in place into this
// preallocated file, which needs no new blocks, and the agent reads it when exit.json is
// missing, at the exit or after a restart of the agent.
#pragma once

#include <string>

#include "common/atomic_file.h"
#include "common/status.h"
#include "common/unique_fd.h"
#include "launch/launch_spec.h"

namespace boxcar {

inline constexpr size_t kExitRecordReserveBytes = 4096;

// "<exit_file>.reserve".
std::string ExitRecordReservePath(const std::string& exit_file);

// Creates (replacing) the reserve of `exit_file`, its blocks written (not sparse); kept open by
// the shim for WriteExitRecordInReserve.
StatusOr<UniqueFd> MakeExitRecordReserve(const std::string& exit_file);

// `record` over the reserve's start, the file then cut to its length (which frees blocks,
// never takes one).
Status WriteExitRecordInReserve(int reserve_fd, const ExitRecord& record);

// A shim's last step, shared by boxcar-shim and boxcar-lxc-shim: `record` into `exit_file`
// atomically (as `durability` asks), the reserve then removed; where that fails (a full disk),
// into the reserve (`reserve`: MakeExitRecordReserve's result), which is then left for the
// agent to read. What failed goes to stderr, prefixed with `shim_name`; false when the record
// could be written nowhere.
bool RecordExit(const std::string& exit_file, const ExitRecord& record,
                const StatusOr<UniqueFd>& reserve, Durability durability, const char* shim_name);

// The exit record of `exit_file`; where that file is missing, the one written into its reserve.
StatusOr<ExitRecord> ReadExitRecord(const std::string& exit_file);

}  // namespace boxcar
