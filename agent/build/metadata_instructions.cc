#include "build/metadata_instructions.h"

#include <algorithm>
#include <optional>

#include "common/go_duration.h"
#include "core/container_mounts.h"

namespace boxcar {
namespace {

// NAME=VALUE pairs (or the legacy "NAME VALUE" of ENV), values expanded.
StatusOr<std::vector<std::pair<std::string, std::string>>> NameValuePairs(
    const std::string& keyword, const std::string& args, char escape,
    const BuildVariables& variables) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<std::string> words = SplitRawWords(args, escape);
  if (words.empty()) return InvalidArgument(keyword + " needs at least one NAME=VALUE");
  if (words[0].find('=') == std::string::npos) {
    // Legacy: the first word is the name, the rest of the line its value.
    std::string rest = args.substr(args.find(words[0]) + words[0].size());
    rest.erase(0, rest.find_first_not_of(" \t"));
    if (rest.empty()) return InvalidArgument(keyword + " " + words[0] + ": no value");
    ASSIGN_OR_RETURN(std::string value, ExpandWord(rest, variables, escape));
    pairs.emplace_back(words[0], value);
    return pairs;
  }
  for (const auto& word : words) {
    size_t equals = word.find('=');
    if (equals == std::string::npos || equals == 0) {
      return InvalidArgument(keyword + ": '" + word + "' is not NAME=VALUE");
    }
    ASSIGN_OR_RETURN(std::string name, ExpandWord(word.substr(0, equals), variables, escape));
    ASSIGN_OR_RETURN(std::string value, ExpandWord(word.substr(equals + 1), variables, escape));
    pairs.emplace_back(name, value);
  }
  return pairs;
}

std::string Nop(const std::string& text) { return "/bin/sh -c #(nop) " + text; }

}  // namespace

bool IsMetadataInstruction(const std::string& keyword) {
  static const char* const kMetadata[] = {"ENV",    "ARG",        "LABEL",      "EXPOSE",
                                          "VOLUME", "USER",       "WORKDIR",    "CMD",
                                          "ENTRYPOINT", "STOPSIGNAL", "SHELL", "HEALTHCHECK",
                                          "ONBUILD", "MAINTAINER"};
  return std::any_of(std::begin(kMetadata), std::end(kMetadata),
                     [&](const char* name) { return keyword == name; });
}

StatusOr<std::vector<std::pair<std::string, std::optional<std::string>>>> ParseArgDeclarations(
    const std::string& args, char escape, const BuildVariables& variables) {
  std::vector<std::pair<std::string, std::optional<std::string>>> declared;
  std::vector<std::string> words = SplitRawWords(args, escape);
  if (words.empty()) return InvalidArgument("ARG needs a name");
  for (const auto& word : words) {
    size_t equals = word.find('=');
    std::string name = word.substr(0, equals);
    if (name.empty() || name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                               "0123456789_") != std::string::npos) {
      return InvalidArgument("ARG: '" + name + "' is not a valid name");
    }
    if (equals == std::string::npos) {
      declared.emplace_back(name, std::nullopt);
    } else {
      ASSIGN_OR_RETURN(std::string value, ExpandWord(word.substr(equals + 1), variables, escape));
      declared.emplace_back(name, value);
    }
  }
  return declared;
}

std::vector<std::string> CommandOf(const DockerfileInstruction& instruction,
                                   const std::vector<std::string>& shell) {
  if (instruction.exec_form) return instruction.exec_args;
  std::vector<std::string> command = shell;
  command.push_back(instruction.args);
  return command;
}

Status ApplyMetadataInstruction(const DockerfileInstruction& instruction, char escape,
                                const ArgSources& arg_sources, BuildStage& stage,
                                std::string* created_by) {
  const std::string& keyword = instruction.keyword;
  const std::string& args = instruction.args;
  BuildImageConfig& config = stage.config;
  // Only when something may be expanded: a long Dockerfile has thousands of steps.
  BuildVariables variables;
  if (args.find('$') != std::string::npos) variables = stage.Variables();
  std::vector<std::string> shell = config.GetStringArray("Shell");
  if (shell.empty()) shell = {"/bin/sh", "-c"};
  *created_by = Nop(instruction.original);

  if (keyword == "ENV") {
    ASSIGN_OR_RETURN(auto pairs, NameValuePairs("ENV", args, escape, variables));
    std::string text;
    for (const auto& [name, value] : pairs) {
      config.SetEnv(name, value);
      text += (text.empty() ? "" : " ") + name + "=" + value;
    }
    *created_by = Nop("ENV " + text);
  } else if (keyword == "LABEL") {
    ASSIGN_OR_RETURN(auto pairs, NameValuePairs("LABEL", args, escape, variables));
    for (const auto& [name, value] : pairs) config.SetLabel(name, value);
  } else if (keyword == "ARG") {
    ASSIGN_OR_RETURN(auto declared, ParseArgDeclarations(args, escape, variables));
    for (const auto& [name, default_value] : declared) {
      arg_sources.declared->insert(name);
      auto given = arg_sources.build_args->find(name);
      auto global = arg_sources.global_args->find(name);
      if (given != arg_sources.build_args->end()) {
        stage.args[name] = given->second;
      } else if (default_value) {
        stage.args[name] = *default_value;
      } else if (global != arg_sources.global_args->end()) {
        stage.args[name] = global->second;
      } else {
        stage.args[name] = "";
      }
    }
  } else if (keyword == "EXPOSE") {
    ASSIGN_OR_RETURN(auto ports, ExpandWords(args, variables, escape));
    if (ports.empty()) return InvalidArgument("EXPOSE needs a port");
    for (std::string port : ports) {
      std::transform(port.begin(), port.end(), port.begin(), ::tolower);
      std::string number = port.substr(0, port.find('/'));
      if (number.empty() || number.find_first_not_of("0123456789-") != std::string::npos) {
        return InvalidArgument("EXPOSE: '" + port + "' is not PORT[/tcp|/udp]");
      }
      const std::string protocol =
          port.find('/') == std::string::npos ? "tcp" : port.substr(port.find('/') + 1);
      // A range ("8000-8002") is every port of it, as Docker stores it.
      const size_t dash = number.find('-');
      const std::string first_text = number.substr(0, dash);
      const std::string last_text =
          dash == std::string::npos ? first_text : number.substr(dash + 1);
      const bool numbers = !first_text.empty() && !last_text.empty() &&
                           first_text.find('-') == std::string::npos &&
                           last_text.find('-') == std::string::npos && first_text.size() <= 5 &&
                           last_text.size() <= 5;
      const unsigned long first = numbers ? std::stoul(first_text) : 0;
      const unsigned long last = numbers ? std::stoul(last_text) : 0;
      if (!numbers || first < 1 || last > 65535 || first > last) {
        return InvalidArgument("EXPOSE: '" + port + "' is not PORT[-PORT][/tcp|/udp] of 1-65535");
      }
      for (unsigned long each = first; each <= last; ++each) {
        config.AddToSet("ExposedPorts", std::to_string(each) + "/" + protocol);
      }
    }
  } else if (keyword == "VOLUME") {
    std::vector<std::string> volumes = instruction.exec_args;
    if (!instruction.exec_form) {
      ASSIGN_OR_RETURN(volumes, ExpandWords(args, variables, escape));
    }
    if (volumes.empty()) return InvalidArgument("VOLUME needs a path");
    for (const auto& volume : volumes) config.AddToSet("Volumes", volume);
  } else if (keyword == "USER") {
    ASSIGN_OR_RETURN(std::string user, ExpandWord(args, variables, escape));
    if (user.empty()) return InvalidArgument("USER needs a user");
    config.SetString("User", user);
  } else if (keyword == "WORKDIR") {
    ASSIGN_OR_RETURN(std::string dir, ExpandWord(args, variables, escape));
    if (dir.empty()) return InvalidArgument("WORKDIR needs a path");
    if (dir[0] != '/') {
      std::string base = config.GetString("WorkingDir");
      if (base.empty()) base = "/";
      dir = base + (base.back() == '/' ? "" : "/") + dir;
    }
    config.SetString("WorkingDir", CleanContainerPath(dir));  // "/abs/../rel" is "/rel"
  } else if (keyword == "CMD") {
    config.SetStringArray("Cmd", CommandOf(instruction, shell));
    stage.cmd_set = true;
    *created_by = Nop("CMD " + (instruction.exec_form ? args : "[\"" + args + "\"]"));
  } else if (keyword == "ENTRYPOINT") {
    config.SetStringArray("Entrypoint", CommandOf(instruction, shell));
    // As Docker: an ENTRYPOINT drops a CMD inherited from the base image.
    if (!stage.cmd_set) config.SetStringArray("Cmd", {});
  } else if (keyword == "STOPSIGNAL") {
    ASSIGN_OR_RETURN(std::string signal, ExpandWord(args, variables, escape));
    if (signal.empty()) return InvalidArgument("STOPSIGNAL needs a signal");
    config.SetString("StopSignal", signal);
  } else if (keyword == "SHELL") {
    if (!instruction.exec_form || instruction.exec_args.empty()) {
      return InvalidArgument("SHELL needs the JSON form, e.g. SHELL [\"/bin/sh\", \"-c\"]");
    }
    config.SetStringArray("Shell", instruction.exec_args);
  } else if (keyword == "HEALTHCHECK") {
    std::vector<std::string> words = SplitRawWords(args, escape);
    std::string upper = words.empty() ? "" : words[0];
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    if (upper == "NONE") {
      config.SetHealthcheck({"NONE"}, 0, 0, 0, 0, 0);
    } else if (upper == "CMD") {
      std::string rest = args.substr(args.find(words[0]) + words[0].size());
      rest.erase(0, rest.find_first_not_of(" \t"));
      std::vector<std::string> test;
      std::vector<std::string> exec;
      if (!rest.empty() && rest[0] == '[' && ParseJsonStringArray(rest, &exec)) {
        test = {"CMD"};
        test.insert(test.end(), exec.begin(), exec.end());
      } else {
        test = {"CMD-SHELL", rest};
      }
      int64_t durations[4] = {0, 0, 0, 0};
      const char* names[4] = {"interval", "timeout", "start-period", "start-interval"};
      for (int i = 0; i < 4; ++i) {
        auto flag = instruction.flags.find(names[i]);
        if (flag == instruction.flags.end()) continue;
        std::optional<int64_t> duration = ParseGoDuration(flag->second);
        if (!duration || *duration < 0) {
          return InvalidArgument(std::string("HEALTHCHECK --") + names[i] + ": '" + flag->second +
                                 "' is not a duration (30s, 1m, 500ms)");
        }
        durations[i] = *duration;
      }
      int retries = 0;
      if (auto flag = instruction.flags.find("retries"); flag != instruction.flags.end()) {
        retries = std::atoi(flag->second.c_str());
      }
      config.SetHealthcheck(test, durations[0], durations[1], durations[2], durations[3], retries);
    } else {
      return InvalidArgument("HEALTHCHECK needs NONE or [--flags] CMD command");
    }
  } else if (keyword == "ONBUILD") {
    std::string trigger = args;
    std::string first = trigger.substr(0, trigger.find_first_of(" \t"));
    std::transform(first.begin(), first.end(), first.begin(), ::toupper);
    if (first == "ONBUILD" || first == "FROM" || first == "MAINTAINER" || first.empty()) {
      return InvalidArgument("ONBUILD cannot trigger '" + first + "'");
    }
    config.AddOnBuild(trigger);
  } else if (keyword == "MAINTAINER") {
    // Deprecated; the image's author, as Docker sets it.
    ASSIGN_OR_RETURN(std::string author, ExpandWord(args, variables, escape));
    config.SetAuthor(author);
  } else {
    return InvalidArgument("'" + keyword + "' is not a metadata instruction");
  }
  config.AddHistory(*created_by, /*empty_layer=*/true);
  return OkStatus();
}

}  // namespace boxcar
