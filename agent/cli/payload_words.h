// The words a prefix_command (run, create, exec) leaves after its own options: the payload's
// IMAGE/CONTAINER and COMMAND, which keep their own options (parsing stops at the first word
// that is not one of the command's options). A first word that looks like an option is one
// the command does not have.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace boxcar::cli {

// The words, or nullopt after "boxcar COMMAND: unknown flag: --x" on stderr.
std::optional<std::vector<std::string>> PayloadWords(CLI::App* command);

}  // namespace boxcar::cli
