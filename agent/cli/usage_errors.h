// What the CLI says when its own command line is wrong (CLI11's parse errors): an unknown
// command, with the Boxcar spelling of Docker's top-level ones (`images` -> `image ls`); an
// unknown flag, a value that does not convert, a missing argument. Each names the command and
// where its help is, and exits 125, as Docker's flag errors; --help exits 0, and a command
// group given no command prints its help, as Docker does.
#pragma once

#include <CLI/CLI.hpp>

namespace boxcar::cli {

// Reports `error`, thrown by app.parse(argc, argv), and returns the exit code.
int ReportUsageError(CLI::App& app, const CLI::ParseError& error, int argc, char** argv);

}  // namespace boxcar::cli
