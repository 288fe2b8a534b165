#include "cli/interface_commands.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/json_output.h"

namespace boxcar::cli {

namespace {

struct InterfaceFlags {
  std::string container;
  v1::VifSpec vif;
  std::vector<std::string> addresses;
  std::string host_interface;
  bool json = false;
};

int Attach(AgentConnection& agent, const InterfaceFlags& flags) {
  grpc::ClientContext context;
  v1::AttachInterfaceRequest request;
  request.set_container(flags.container);
  *request.mutable_interface() = flags.vif;
  for (const auto& address : flags.addresses) request.mutable_interface()->add_addresses(address);
  v1::AttachInterfaceResponse response;
  grpc::Status status = agent.networks().AttachInterface(&context, request, &response);
  if (!status.ok()) return agent.Report(status);
  std::printf("%s\n", response.interface().name().c_str());
  return 0;
}

int List(AgentConnection& agent, const InterfaceFlags& flags) {
  grpc::ClientContext context;
  v1::InspectContainerRequest request;
  request.set_container(flags.container);
  v1::Container container;
  grpc::Status status = agent.containers().Inspect(&context, request, &container);
  if (!status.ok()) return agent.Report(status);
  if (flags.json) {
    PrintJsonArray(container.interfaces());
    return 0;
  }
  std::printf("%-8s %-15s %-15s %-17s %s\n", "NAME", "HOST END", "BRIDGE", "MAC", "ADDRESSES");
  for (const auto& vif : container.interfaces()) {
    std::string addresses;
    for (const auto& address : vif.addresses()) {
      addresses += (addresses.empty() ? "" : ",") + address;
    }
    std::printf("%-8s %-15s %-15s %-17s %s\n", vif.name().c_str(), vif.host_interface().c_str(),
                vif.bridge().c_str(), vif.mac().c_str(), addresses.c_str());
  }
  return 0;
}

}  // namespace

void AddInterfaceCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                          std::function<int()>& action) {
  auto flags = std::make_shared<InterfaceFlags>();
  CLI::App* interface =
      app.add_subcommand("interface", "VIFs on existing bridges (a compute driver's interfaces)")
          ->require_subcommand(1);

  CLI::App* attach = interface->add_subcommand(
      "attach", "Attach a VIF to a container (plugged at once when it runs, and at each start)");
  attach->add_option("CONTAINER", flags->container, "Container")->required();
  attach->add_option_function<std::string>(
            "--bridge", [flags](const std::string& v) { flags->vif.set_bridge(v); },
            "Bridge on the host")
      ->required();
  attach->add_option_function<std::string>(
            "--host-interface", [flags](const std::string& v) { flags->vif.set_host_interface(v); },
            "Name of the host end, e.g. tap<port id[:11]>")
      ->required();
  attach->add_option_function<std::string>(
            "--mac", [flags](const std::string& v) { flags->vif.set_mac(v); },
            "MAC inside the container")
      ->required();
  attach->add_option_function<uint32_t>(
      "--mtu", [flags](uint32_t v) { flags->vif.set_mtu(v); }, "MTU (default 1500)");
  attach->add_option("--address", flags->addresses, "IPv4 address/prefix (repeatable)");
  attach->add_option_function<std::string>(
      "--gateway", [flags](const std::string& v) { flags->vif.set_gateway(v); },
      "Default route via this address (first interface only)");
  attach->add_option_function<std::string>(
      "--name", [flags](const std::string& v) { flags->vif.set_name(v); },
      "Name inside the container (default: the first free ethN)");
  attach->add_flag_function(
      "--create-bridge", [flags](int64_t) { flags->vif.set_create_bridge(true); },
      "Make the bridge when it does not exist");
  attach->callback([&, connect, flags] { action = [=] { return Attach(connect(), *flags); }; });

  CLI::App* detach = interface->add_subcommand("detach", "Detach a VIF from a container");
  detach->add_option("CONTAINER", flags->container, "Container")->required();
  detach->add_option("HOST_INTERFACE", flags->host_interface, "Host end of the VIF")->required();
  detach->callback([&, connect, flags] {
    action = [=] {
      AgentConnection& agent = connect();
      grpc::ClientContext context;
      v1::DetachInterfaceRequest request;
      request.set_container(flags->container);
      request.set_host_interface(flags->host_interface);
      v1::DetachInterfaceResponse response;
      grpc::Status status = agent.networks().DetachInterface(&context, request, &response);
      return status.ok() ? 0 : agent.Report(status);
    };
  });

  CLI::App* list = interface->add_subcommand("ls", "List a container's attached VIFs");
  list->add_option("CONTAINER", flags->container, "Container")->required();
  list->add_flag("--json", flags->json, "Print JSON");
  list->callback([&, connect, flags] { action = [=] { return List(connect(), *flags); }; });
}

}  // namespace boxcar::cli
