// The loops of the commands that take several names (rm, stop, kill, inspect ...): each
// failure reported, the exit code 1 if any failed.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "cli/agent_connection.h"
#include "cli/docker_view.h"
#include "cli/json_output.h"
#include "cli/message_template.h"

namespace boxcar::cli {

// Runs `one` for every name, reporting each failure; the exit code is 1 if any failed.
int ForEachName(AgentConnection& agent, const std::vector<std::string>& names,
                const std::function<grpc::Status(const std::string&)>& one);

// ForEachName that prints each name it succeeded for, as Docker's commands do.
int ForEachPrinted(AgentConnection& agent, const std::vector<std::string>& names,
                   const std::function<grpc::Status(const std::string&)>& one);

// `inspect`: one unary `call` per name (`name_into` puts the name in the request), the answers
// printed as one indented JSON array (Docker's shape: `jq '.[0]'`), or with `format` (a
// template, cli/message_template.h) one line each; each failure reported. With `docker_view_of`,
// each answer carries Docker's keys beside its own (cli/docker_view.h).
template <typename Stub, typename Request, typename Response>
int InspectEach(
    AgentConnection& agent, const std::vector<std::string>& names, const std::string& format,
    Stub& stub, grpc::Status (Stub::*call)(grpc::ClientContext*, const Request&, Response*),
    const std::type_identity_t<std::function<void(Request*, const std::string&)>>& name_into,
    const std::type_identity_t<std::function<DockerView(const Response&)>>& docker_view_of =
        nullptr) {
  std::vector<std::string> answers;
  std::string template_error;
  // As Docker's: a template that does not parse is reported before anything is asked, and
  // nothing is printed when one fails to execute.
  std::optional<ParsedTemplate> parsed;
  if (!format.empty()) {
    StatusOr<ParsedTemplate> parsing = ParseTemplate(format);
    if (!parsing.ok()) {
      std::fprintf(stderr, "boxcar: %s\n", std::string(parsing.status().message()).c_str());
      return 2;
    }
    parsed = std::move(*parsing);
  }
  const int exit_code = ForEachName(agent, names, [&](const std::string& name) {
    if (!template_error.empty()) return grpc::Status::OK;  // the first one was reported
    grpc::ClientContext context;
    Request request;
    name_into(&request, name);
    Response response;
    grpc::Status status = (stub.*call)(&context, request, &response);
    if (!status.ok()) return status;
    std::optional<DockerView> view;
    if (docker_view_of) view = docker_view_of(response);
    const DockerView* docker_view = view ? &*view : nullptr;
    if (format.empty()) {
      answers.push_back(InspectObjectJson(response, docker_view, true));
      return status;
    }
    StatusOr<std::string> line = RenderParsedTemplate(*parsed, response, docker_view);
    if (!line.ok()) {
      template_error = line.status().message();
      return status;
    }
    answers.push_back(*line);
    return status;
  });
  if (!template_error.empty()) {
    std::fprintf(stderr, "boxcar: %s\n", template_error.c_str());
    return 2;
  }
  if (format.empty()) {
    std::fputs(IndentedJsonArray(answers).c_str(), stdout);
  } else {
    for (const std::string& line : answers) std::printf("%s\n", line.c_str());
  }
  return exit_code;
}

}  // namespace boxcar::cli
