#include "cli/config_change.h"

#include <rapidjson/document.h>

#include <cctype>

namespace boxcar::cli {

namespace {

// The exec form (a JSON array of strings) or the shell form ("/bin/sh -c TEXT").
bool ParseCommand(const std::string& text, v1::StringList* list) {
  if (!text.empty() && text[0] == '[') {
    rapidjson::Document array;
    array.Parse(text.c_str());
    if (array.HasParseError() || !array.IsArray()) return false;
    for (const auto& item : array.GetArray()) {
      if (!item.IsString()) return false;
      list->add_values(item.GetString());
    }
    return true;
  }
  for (const char* arg : {"/bin/sh", "-c"}) list->add_values(arg);
  list->add_values(text);
  return true;
}

}  // namespace

Status ParseConfigChange(const std::string& change, v1::CommitChanges* changes) {
  size_t space = change.find(' ');
  std::string instruction = change.substr(0, space);
  std::string argument = space == std::string::npos ? "" : change.substr(space + 1);
  for (char& c : instruction) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  bool ok = !argument.empty();
  if (ok && instruction == "CMD") {
    v1::StringList cmd;
    ok = ParseCommand(argument, &cmd);
    if (ok) *changes->mutable_cmd() = cmd;
  } else if (ok && instruction == "ENTRYPOINT") {
    v1::StringList entrypoint;
    ok = ParseCommand(argument, &entrypoint);
    if (ok) *changes->mutable_entrypoint() = entrypoint;
  } else if (ok && instruction == "ENV") {
    // "ENV K=V" or "ENV K V".
    size_t equals = argument.find('=');
    size_t blank = argument.find(' ');
    changes->add_env(equals != std::string::npos && (blank == std::string::npos || equals < blank)
                         ? argument
                         : argument.substr(0, blank) + "=" +
                               (blank == std::string::npos ? "" : argument.substr(blank + 1)));
  } else if (ok && instruction == "WORKDIR") {
    changes->set_working_dir(argument);
  } else if (ok && instruction == "USER") {
    changes->set_user(argument);
  } else {
    ok = false;
  }
  if (ok) return OkStatus();
  return InvalidArgument("--change '" + change +
                         "' is not one of CMD, ENTRYPOINT (JSON array or shell form), ENV K=V, "
                         "WORKDIR /dir or USER name");
}

void ApplyConfigChanges(const v1::CommitChanges& changes, v1::ImageConfig* config) {
  if (changes.has_cmd()) *config->mutable_cmd() = changes.cmd().values();
  if (changes.has_entrypoint()) *config->mutable_entrypoint() = changes.entrypoint().values();
  for (const auto& entry : changes.env()) {
    const std::string key = entry.substr(0, entry.find('='));
    auto* env = config->mutable_env();
    for (int i = env->size() - 1; i >= 0; --i) {
      if (env->Get(i).substr(0, env->Get(i).find('=')) == key) env->DeleteSubrange(i, 1);
    }
    config->add_env(entry);
  }
  if (changes.has_working_dir()) config->set_working_dir(changes.working_dir());
  if (changes.has_user()) config->set_user(changes.user());
}

}  // namespace boxcar::cli
