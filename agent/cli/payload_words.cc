#include "cli/payload_words.h"

#include <cstdio>

namespace boxcar::cli {

std::optional<std::vector<std::string>> PayloadWords(CLI::App* command) {
  std::vector<std::string> words = command->remaining();
  if (!words.empty() && words[0].size() > 1 && words[0][0] == '-') {
    const std::string flag = words[0].substr(0, words[0].find('='));
    std::fprintf(stderr, "boxcar %s: unknown flag: %s (see `boxcar %s --help`)\n",
                 command->get_name().c_str(), flag.c_str(), command->get_name().c_str());
    return std::nullopt;
  }
  return words;
}

}  // namespace boxcar::cli
