// The files of a rotated output log (launch/log_records.h). The writer (shim/output_log.h)
// appends to `name` (generation 0); when it would pass its size bound it renames
// name.N-2 -> name.N-1, ..., name -> name.1 (the oldest is replaced) and starts a new `name`.
// Renames are atomic and happen between records, so every file holds whole records; a crash in
// the middle of a rotation leaves at most a gap in the generations, which readers skip.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace boxcar {

// `name` for generation 0, else "name.<generation>".
std::string OutputLogGenerationName(const std::string& name, uint32_t generation);

// The generations of `name` present in the directory `dir_fd` (0 included when it exists),
// oldest (highest) first.
std::vector<uint32_t> OutputLogGenerations(int dir_fd, const std::string& name);

}  // namespace boxcar
