#include "cli/usage_errors.h"

#include <cstdio>
#include <map>
#include <string>

namespace boxcar::cli {

namespace {

constexpr int kExitUsage = 125;

// Docker's top-level commands that Boxcar spells otherwise. (Its top-level image commands,
// `images`, `rmi`, `pull`, ..., and `version` are Boxcar's too.)
const std::map<std::string, std::string>& DockerSpellings() {
  static const auto* spellings = new std::map<std::string, std::string>{
      {"volumes", "volume ls"},
      {"networks", "network ls"},
  };
  return *spellings;
}

// Where the command line stopped making sense: the deepest command it named, and the word
// after it that names no command of a group (empty if none).
struct CommandPosition {
  CLI::App* command;
  std::string path = "boxcar";
  std::string unknown;
};

CommandPosition Locate(CLI::App& app, int argc, char** argv) {
  CommandPosition position{&app, "boxcar", ""};
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--socket") {
      ++i;
      continue;
    }
    if (word.empty() || word[0] == '-') continue;
    if (position.command->get_subcommands({}).empty()) break;  // a leaf's arguments
    CLI::App* sub = nullptr;
    try {
      sub = position.command->get_subcommand(word);
    } catch (const CLI::OptionNotFound&) {
    }
    if (sub == nullptr) {
      position.unknown = word;
      break;
    }
    position.command = sub;
    position.path += " " + word;
  }
  return position;
}

}  // namespace

int ReportUsageError(CLI::App& app, const CLI::ParseError& error, int argc, char** argv) {
  if (error.get_exit_code() == 0) return app.exit(error);  // --help
  CommandPosition position = Locate(app, argc, argv);
  if (!position.unknown.empty()) {
    std::fprintf(stderr, "%s: unknown command '%s'", position.path.c_str(),
                 position.unknown.c_str());
    auto spelling = DockerSpellings().find(position.unknown);
    if (position.command == &app && spelling != DockerSpellings().end()) {
      std::fprintf(stderr, "; did you mean `boxcar %s`?", spelling->second.c_str());
    }
    std::fprintf(stderr, " (see `%s --help`)\n", position.path.c_str());
    return kExitUsage;
  }
  if (!position.command->get_subcommands({}).empty() &&
      position.command->get_require_subcommand_min() > 0 &&
      position.command->get_subcommands().empty()) {
    // `boxcar` or `boxcar image` alone: its help.
    std::printf("%s", position.command->help().c_str());
    return 0;
  }
  std::fprintf(stderr, "%s: %s (see `%s --help`)\n", position.path.c_str(), error.what(),
               position.path.c_str());
  return kExitUsage;
}

}  // namespace boxcar::cli
