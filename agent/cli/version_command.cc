#include "cli/version_command.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <cstdio>
#include <memory>

#include "cli/format_template.h"

namespace boxcar::cli {

namespace {

// Set for this file alone by agent/CMakeLists.txt: the project's version.
#ifndef BOXCAR_VERSION
#define BOXCAR_VERSION "unknown"
#endif

// Go's names, as Docker's client reports its own.
constexpr const char* kClientArch =
#if defined(__x86_64__)
    "amd64";
#elif defined(__aarch64__)
    "arm64";
#else
    "unknown";
#endif

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

struct VersionOptions {
  bool json = false;
  std::string format;
};

std::string FieldsAsJson(const std::map<std::string, std::string>& fields) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  for (const char* side : {"Client", "Server"}) {
    const std::string prefix = std::string(side) + ".";
    if (fields.lower_bound(prefix) == fields.end() ||
        fields.lower_bound(prefix)->first.compare(0, prefix.size(), prefix) != 0) {
      continue;
    }
    writer.Key(side);
    writer.StartObject();
    for (auto it = fields.lower_bound(prefix);
         it != fields.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      writer.Key(it->first.substr(prefix.size()).c_str());
      writer.String(it->second.c_str());
    }
    writer.EndObject();
  }
  writer.EndObject();
  return buffer.GetString();
}

int Version(AgentConnection& agent, const VersionOptions& options) {
  grpc::ClientContext context;
  v1::InfoResponse info;
  grpc::Status status = agent.system().Info(&context, {}, &info);
  const auto fields = VersionFields(status.ok() ? &info : nullptr);
  if (!options.format.empty()) {
    auto line = ExpandFormatTemplate(options.format, [&](const std::string& field) {
      return Lower(field) == "json ." ? StatusOr<std::string>(FieldsAsJson(fields))
                                      : VersionFieldValue(fields, field);
    });
    if (!line.ok()) {
      if (!status.ok()) return agent.Report(status);  // a Server field of an unreachable agent
      std::fprintf(stderr, "boxcar version: %s\n", line.status().message().c_str());
      return 1;
    }
    std::printf("%s\n", line->c_str());
  } else if (options.json) {
    std::printf("%s\n", FieldsAsJson(fields).c_str());
  } else {
    std::printf("Client:\n Version:  %s\n OS/Arch:  %s/%s\n", fields.at("Client.Version").c_str(),
                fields.at("Client.Os").c_str(), fields.at("Client.Arch").c_str());
    if (status.ok()) {
      std::printf("\nServer: boxcard\n Version:  %s\n OS/Arch:  %s/%s\n Kernel:   %s\n",
                  fields.at("Server.Version").c_str(), fields.at("Server.Os").c_str(),
                  fields.at("Server.Arch").c_str(), fields.at("Server.KernelVersion").c_str());
    }
  }
  return status.ok() ? 0 : agent.Report(status);
}

}  // namespace

std::map<std::string, std::string> VersionFields(const v1::InfoResponse* server) {
  std::map<std::string, std::string> fields = {
      {"Client.Version", BOXCAR_VERSION}, {"Client.Os", "linux"}, {"Client.Arch", kClientArch}};
  if (server != nullptr) {
    fields["Server.Version"] = server->version();
    fields["Server.Os"] = "linux";
    fields["Server.Arch"] = server->host().architecture();
    fields["Server.KernelVersion"] = server->host().kernel_release();
    fields["Server.DefaultBackend"] = server->default_backend();
  }
  return fields;
}

StatusOr<std::string> VersionFieldValue(const std::map<std::string, std::string>& fields,
                                        const std::string& field) {
  std::string wanted = Lower(field);
  if (!wanted.empty() && wanted[0] == '.') wanted.erase(0, 1);
  std::string known;
  for (const auto& [name, value] : fields) {
    if (Lower(name) == wanted) return value;
    known += (known.empty() ? "." : ", .") + name;
  }
  return InvalidArgument("--format: no field '" + field + "' (known: " + known + ", json .)");
}

void AddVersionCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                       std::function<int()>& action) {
  auto options = std::make_shared<VersionOptions>();
  CLI::App* version = app.add_subcommand("version", "Show the client's and the agent's versions");
  version->add_flag("--json", options->json, "Print JSON");
  version->add_option("-f,--format", options->format,
                      "A template of the fields: '{{.Client.Version}}', '{{.Server.Version}}', "
                      "'{{json .}}'");
  version->callback(
      [&, connect, options] { action = [=] { return Version(connect(), *options); }; });
}

}  // namespace boxcar::cli
