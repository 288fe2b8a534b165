// What a payload writes, into its container's output log (launch/log_records.h): one record per
// read of its stdout or stderr pipe or of its terminal, stamped with the time of the read. The
// shim's only per-chunk work on the run path: a read, a clock_gettime (vDSO) and a writev.
#pragma once

#include "launch/log_records.h"

namespace boxcar {

// One read of the non-blocking `from`, appended to `log_fd` as a record of `stream` (a log
// file takes what it is given: no back-pressure on the payload). False once `from` is done:
// EOF, EIO (a terminal whose last slave is closed) or another error.
bool CopyToOutputLog(int from, int log_fd, LogRecordStream stream);

}  // namespace boxcar
