#include "cli/network_commands.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/for_each_name.h"
#include "cli/json_output.h"
#include "cli/prune_commands.h"

namespace boxcar::cli {

namespace {

struct NetworkFlags {
  std::string name;
  std::string subnet;
  std::string gateway;
  std::string bridge;
  std::string cni_conflist_path;
  uint32_t mtu = 0;
  bool json = false;
  bool quiet = false;
  std::string format;
  std::vector<std::string> names;
  std::string container;
  std::string ip;
  std::vector<std::string> aliases;  // connect --alias
};

std::string PortText(const v1::PortMapping& port) {
  return std::to_string(port.container_port()) + "/" + port.protocol() + " -> " +
         (port.host_ip().empty() ? "0.0.0.0" : port.host_ip()) + ":" +
         std::to_string(port.host_port());
}

int Create(AgentConnection& agent, const NetworkFlags& flags) {
  grpc::ClientContext context;
  v1::CreateNetworkRequest request;
  v1::Network* network = request.mutable_network();
  network->set_name(flags.name);
  network->set_subnet(flags.subnet);
  network->set_gateway(flags.gateway);
  network->set_bridge(flags.bridge);
  network->set_mtu(flags.mtu);
  if (!flags.cni_conflist_path.empty()) {
    std::ifstream file(flags.cni_conflist_path);
    std::stringstream content;
    content << file.rdbuf();
    if (!file) {
      std::fprintf(stderr, "boxcar: --cni-conflist: cannot read '%s'\n",
                   flags.cni_conflist_path.c_str());
      return 2;
    }
    network->set_cni_conflist(content.str());
  }
  v1::Network created;
  grpc::Status status = agent.networks().Create(&context, request, &created);
  if (!status.ok()) return agent.Report(status);
  std::printf("%s\n", created.name().c_str());
  return 0;
}

int List(AgentConnection& agent, bool json, bool quiet) {
  grpc::ClientContext context;
  v1::ListNetworksResponse response;
  grpc::Status status = agent.networks().List(&context, {}, &response);
  if (!status.ok()) return agent.Report(status);
  if (json) {
    PrintJsonArray(response.networks());
    return 0;
  }
  // Besides the agent's networks, the two every agent has built in, as Docker lists them (the
  // JSON stays the agent's records: these have no subnet, bridge or endpoints to show).
  const std::pair<const char*, const char*> kBuiltIn[] = {{"host", "(the host's network)"},
                                                          {"none", "(loopback only)"}};
  if (quiet) {
    for (const auto& network : response.networks()) std::printf("%s\n", network.name().c_str());
    for (const auto& [name, what] : kBuiltIn) std::printf("%s\n", name);
    return 0;
  }
  std::printf("%-20s %-18s %-16s %-16s %s\n", "NAME", "SUBNET", "GATEWAY", "BRIDGE", "MTU");
  for (const auto& network : response.networks()) {
    if (!network.cni_conflist().empty()) {
      std::printf("%-20s %s\n", network.name().c_str(), "(CNI conflist)");
      continue;
    }
    std::printf("%-20s %-18s %-16s %-16s %u\n", network.name().c_str(), network.subnet().c_str(),
                network.gateway().c_str(), network.bridge().c_str(), network.mtu());
  }
  for (const auto& [name, what] : kBuiltIn) std::printf("%-20s %s\n", name, what);
  return 0;
}

int Ports(AgentConnection& agent, const std::string& container, bool json) {
  grpc::ClientContext context;
  v1::ContainerPortsRequest request;
  request.set_container(container);
  v1::ContainerPortsResponse response;
  grpc::Status status = agent.networks().Ports(&context, request, &response);
  if (!status.ok()) return agent.Report(status);
  if (json) {
    PrintJsonArray(response.ports());
    return 0;
  }
  for (const auto& port : response.ports()) std::printf("%s\n", PortText(port).c_str());
  return 0;
}

}  // namespace

void AddNetworkCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                        std::function<int()>& action) {
  auto flags = std::make_shared<NetworkFlags>();
  CLI::App* network = app.add_subcommand("network", "Container networks")->require_subcommand(1);

  CLI::App* create =
      network->add_subcommand("create", "Create a bridge network, or a CNI network from a conflist");
  create->add_option("NAME", flags->name, "Network name")->required();
  create->add_option("--subnet", flags->subnet,
                     "IPv4 subnet, e.g. 10.89.0.0/24 (bridge network; default: the first free "
                     "one of the agent's address pools)");
  create->add_option("--cni-conflist", flags->cni_conflist_path,
                     "A CNI network configuration list (e.g. /etc/cni/net.d/x.conflist): the "
                     "network is its plugins'");
  create->add_option("--gateway", flags->gateway,
                     "Bridge address (default: first of the subnet; needs --subnet)");
  create->add_option("--bridge", flags->bridge, "Bridge name (default: bx-NAME)");
  create->add_option("--mtu", flags->mtu, "MTU (default 1500)");
  create->callback([&, connect, flags] { action = [=] { return Create(connect(), *flags); }; });

  CLI::App* list = network->add_subcommand("ls", "List networks");
  list->alias("list");
  list->add_flag("--json", flags->json, "Print JSON");
  list->add_flag("-q,--quiet", flags->quiet, "Print only names");
  list->callback(
      [&, connect, flags] { action = [=] { return List(connect(), flags->json, flags->quiet); }; });

  CLI::App* inspect = network->add_subcommand("inspect", "Show networks and their containers");
  inspect->add_option("NAME", flags->names, "Network names")->required();
  inspect->add_flag("--json", flags->json, "Print JSON (the default, accepted for scripts)");
  inspect->add_option("-f,--format", flags->format,
                      "A line per name from a template of its fields: '{{.subnet}}', "
                      "'{{.endpoints.0.ip}}', '{{json .endpoints}}'");
  inspect->callback([&, connect, flags] {
    action = [=] {
      AgentConnection& agent = connect();
      return InspectEach(agent, flags->names, flags->format, agent.networks(),
                         &v1::Networks::Stub::Inspect,
                         [](v1::InspectNetworkRequest* request, const std::string& name) {
                           request->set_name(name);
                         });
    };
  });

  CLI::App* remove = network->add_subcommand("rm", "Remove networks");
  remove->add_option("NAME", flags->names, "Network names")->required();
  remove->callback([&, connect, flags] {
    action = [=] {
      AgentConnection& agent = connect();
      return ForEachPrinted(agent, flags->names, [&](const std::string& name) {
        grpc::ClientContext context;
        v1::RemoveNetworkRequest request;
        request.set_name(name);
        v1::RemoveNetworkResponse response;
        return agent.networks().Remove(&context, request, &response);
      });
    };
  });

  CLI::App* connect_command = network->add_subcommand(
      "connect", "Put a container on a network (running: a connection beside its own, at once)");
  connect_command->add_option("NETWORK", flags->name, "Network")->required();
  connect_command->add_option("CONTAINER", flags->container, "Container")->required();
  connect_command->add_option("--ip", flags->ip, "IPv4 address on the network");
  connect_command
      ->add_option("--alias", flags->aliases,
                   "Another name of the container on that network (repeat the flag)")
      ->allow_extra_args(false);
  connect_command->callback([&, connect, flags] {
    action = [=] {
      AgentConnection& agent = connect();
      grpc::ClientContext context;
      v1::ConnectNetworkRequest request;
      request.set_network(flags->name);
      request.set_container(flags->container);
      request.set_ip(flags->ip);
      for (const auto& alias : flags->aliases) request.add_aliases(alias);
      v1::ConnectNetworkResponse response;
      grpc::Status status = agent.networks().Connect(&context, request, &response);
      return status.ok() ? 0 : agent.Report(status);
    };
  });

  CLI::App* disconnect = network->add_subcommand(
      "disconnect", "Take a container off a network (running: a connection beside eth0)");
  disconnect->add_option("NETWORK", flags->name, "Network")->required();
  disconnect->add_option("CONTAINER", flags->container, "Container")->required();
  disconnect->callback([&, connect, flags] {
    action = [=] {
      AgentConnection& agent = connect();
      grpc::ClientContext context;
      v1::DisconnectNetworkRequest request;
      request.set_network(flags->name);
      request.set_container(flags->container);
      v1::DisconnectNetworkResponse response;
      grpc::Status status = agent.networks().Disconnect(&context, request, &response);
      return status.ok() ? 0 : agent.Report(status);
    };
  });
  AddNetworkPruneCommand(network, connect, action);

  CLI::App* port = app.add_subcommand("port", "List a container's published ports");
  port->add_option("CONTAINER", flags->container, "Container")->required();
  port->add_flag("--json", flags->json, "Print JSON");
  port->callback([&, connect, flags] {
    action = [=] { return Ports(connect(), flags->container, flags->json); };
  });
}

}  // namespace boxcar::cli
