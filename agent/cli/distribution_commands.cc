#include "cli/distribution_commands.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>

#include "cli/human_format.h"
#include "cli/image_pull_call.h"
#include "cli/openstack_auth_flags.h"
#include "cli/terminal_prompt.h"
#include "cli/transfer_display.h"
#include "distribution/image_distribution.h"

namespace boxcar::cli {

namespace {

struct PullOptions {
  std::string source;
  std::string platform;
  std::string ca_file;
  bool quiet = false;
  OpenStackAuthFlags openstack;
};

struct PushOptions {
  std::string image;
  std::string destination;
  std::string ca_file;
  bool quiet = false;
  OpenStackAuthFlags openstack;
  GlancePushFlags glance;
};

struct LoginOptions {
  std::string registry;
  std::string username;
  std::string password;
  bool password_stdin = false;
  std::string ca_file;
};

// A clouds.yaml or OS_* setting the CLI could not use (never a secret's value).
int ReportOpenStackError(const Status& status) {
  std::fprintf(stderr, "boxcar: %s\n", status.message().c_str());
  return 1;
}

int Pull(AgentConnection& agent, const PullOptions& options) {
  v1::PullRequest request;
  request.set_source(options.source);
  request.set_platform(options.platform);
  request.set_ca_file(options.ca_file);
  // glance:// sources and destinations carry the caller's OpenStack credentials and CA.
  if (IsGlanceLocation(options.source)) {
    auto openstack = ResolveOpenStackAuth(options.openstack, options.ca_file);
    if (!openstack.ok()) return ReportOpenStackError(openstack.status());
    *request.mutable_openstack() = std::move(openstack->auth);
    request.set_ca_file(openstack->ca_file);
  }
  v1::Image image;
  grpc::Status status = PullImage(agent, request, options.quiet, &image);
  if (!status.ok()) return agent.Report(status);
  std::printf("%s\n", image.id().c_str());
  return 0;
}

int Push(AgentConnection& agent, const PushOptions& options) {
  v1::PushRequest request;
  request.set_image(options.image);
  request.set_destination(options.destination);
  request.set_ca_file(options.ca_file);
  if (IsGlanceLocation(options.destination)) {
    auto openstack = ResolveOpenStackAuth(options.openstack, options.ca_file);
    if (!openstack.ok()) return ReportOpenStackError(openstack.status());
    *request.mutable_openstack() = std::move(openstack->auth);
    request.set_ca_file(openstack->ca_file);
    request.set_glance_image_id(options.glance.image_id);
    request.set_glance_visibility(options.glance.visibility);
  }
  grpc::ClientContext context;
  auto reader = agent.distribution().Push(&context, request);
  TransferDisplay display(options.quiet);
  v1::PushResponse response;
  v1::PushResult result;
  while (reader->Read(&response)) {
    if (response.has_progress()) display.Update(response.progress());
    if (response.has_result()) result = response.result();
  }
  grpc::Status status = reader->Finish();
  display.Finish();
  if (!status.ok()) return agent.Report(status);
  std::printf("%s@%s\n", result.destination().c_str(), result.manifest_digest().c_str());
  return 0;
}

int Login(AgentConnection& agent, LoginOptions options) {
  // At a terminal, what the flags did not give is asked for, the password without echo.
  const bool terminal = StdinIsTerminal();
  if (options.username.empty() && terminal)
    options.username = AskAtTerminal("Username: ", false).value_or("");
  if (options.username.empty()) {
    std::fprintf(stderr, "boxcar login: no user name; give it with -u USER\n");
    return 2;
  }
  if (options.password_stdin && !options.password.empty()) {
    std::fprintf(stderr, "boxcar: give either --password or --password-stdin\n");
    return 2;
  }
  if (!options.password.empty()) {
    std::fprintf(stderr,
                 "boxcar login: WARNING: a password on the command line is visible to other "
                 "users (ps) and kept in shell history; prefer --password-stdin\n");
  } else if (terminal) {  // with or without --password-stdin: typed, not shown
    options.password = AskAtTerminal("Password: ", true).value_or("");
  } else if (options.password_stdin) {
    std::string line;
    std::getline(std::cin, line);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    options.password = line;
  }
  if (options.password.empty()) {
    std::fprintf(stderr,
                 "boxcar login: no password; type it at a terminal, or give it on stdin with "
                 "--password-stdin (or with -p, visible to other users)\n");
    return 2;
  }
  v1::LoginRequest request;
  request.set_registry(options.registry);
  request.mutable_credentials()->set_username(options.username);
  request.mutable_credentials()->set_password(options.password);
  request.set_ca_file(options.ca_file);
  grpc::ClientContext context;
  v1::LoginResponse response;
  grpc::Status status = agent.distribution().Login(&context, request, &response);
  if (!status.ok()) return agent.Report(status);
  std::printf("Login succeeded\n");
  return 0;
}

int Logout(AgentConnection& agent, const std::string& registry) {
  v1::LogoutRequest request;
  request.set_registry(registry);
  grpc::ClientContext context;
  v1::LogoutResponse response;
  grpc::Status status = agent.distribution().Logout(&context, request, &response);
  if (!status.ok()) return agent.Report(status);
  std::printf(response.removed() ? "Removed login credentials for %s\n" : "Not logged in to %s\n",
              registry.c_str());
  return 0;
}

}  // namespace

void AddImagePullPushCommands(CLI::App& image, std::function<AgentConnection&()> connect,
                              std::function<int()>& action) {
  auto pull_options = std::make_shared<PullOptions>();
  CLI::App* pull = image.add_subcommand("pull", "Pull an image from a registry or from Glance");
  pull->add_option("reference", pull_options->source,
                   "[registry[:port]/]name[:tag|@sha256:<hex>], or glance://IMAGE_ID")
      ->required();
  pull->add_option("--platform", pull_options->platform,
                   "os/arch[/variant] to choose from a multi-platform image (linux/amd64)");
  pull->add_option("--ca-file", pull_options->ca_file,
                   "PEM file of CA certificates to trust besides the system's (absolute path)");
  pull->add_flag("-q,--quiet", pull_options->quiet, "No progress output");
  AddOpenStackAuthFlags(pull, pull_options->openstack);
  pull->callback([&action, connect, pull_options] {
    action = [=] { return Pull(connect(), *pull_options); };
  });

  auto push_options = std::make_shared<PushOptions>();
  CLI::App* push = image.add_subcommand("push", "Push an image to a registry or to Glance");
  push->add_option("image", push_options->image, "Image reference or id")->required();
  push->add_option("destination", push_options->destination,
                   "registry[:port]/name[:tag] (default: the image's reference), or glance://[NAME]");
  push->add_option("--ca-file", push_options->ca_file,
                   "PEM file of CA certificates to trust besides the system's (absolute path)");
  push->add_flag("-q,--quiet", push_options->quiet, "No progress output");
  AddOpenStackAuthFlags(push, push_options->openstack);
  AddGlancePushFlags(push, push_options->glance);
  push->callback([&action, connect, push_options] {
    action = [=] { return Push(connect(), *push_options); };
  });
}

void AddLoginCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                      std::function<int()>& action) {
  auto login_options = std::make_shared<LoginOptions>();
  CLI::App* login = app.add_subcommand(
      "login", "Store credentials of a registry in the agent (checked against it first)");
  login->add_option("registry", login_options->registry, "host[:port]")->required();
  login->add_option("-u,--username", login_options->username, "User name (asked at a terminal)");
  login->add_option("-p,--password", login_options->password,
                    "Password or token (asked without echo at a terminal)");
  login->add_flag("--password-stdin", login_options->password_stdin,
                  "Read the password from stdin");
  login->add_option("--ca-file", login_options->ca_file,
                    "PEM file of CA certificates to trust besides the system's (absolute path)");
  login->callback([&action, connect, login_options] {
    action = [=] { return Login(connect(), *login_options); };
  });

  auto logout_registry = std::make_shared<std::string>();
  CLI::App* logout = app.add_subcommand("logout", "Forget the stored credentials of a registry");
  logout->add_option("registry", *logout_registry, "host[:port]")->required();
  logout->callback([&action, connect, logout_registry] {
    action = [=] { return Logout(connect(), *logout_registry); };
  });
}

}  // namespace boxcar::cli
