#include "distribution/registry/registry_transport.h"

#include "common/disk_full.h"
#include "distribution/ca_file_check.h"
#include "http/url_for_messages.h"

namespace boxcar {

namespace {

// "host[:port]" as Login/Logout take it (a reference's registry part, or a URL's host).
StatusOr<std::string> RegistryHost(std::string text) {
  for (const char* scheme : {"https://", "http://"}) {
    if (text.rfind(scheme, 0) == 0) text = text.substr(std::string(scheme).size());
  }
  if (size_t slash = text.find('/'); slash != std::string::npos) text = text.substr(0, slash);
  // Parsed as the registry part of a reference, so both agree on the name.
  auto parsed = ParseRegistryReference(text + "/x", "registry");
  if (!parsed.ok() || parsed->registry == "docker.io") {
    std::string host = NormalizeRegistryHost(text);
    if (host == "docker.io") return host;
    // A host given with user:password@ is shown without them.
    return InvalidArgument("registry: '" + UrlForMessages(text) +
                           "' is not a registry host[:port]");
  }
  return parsed->registry;
}

// Every failure of a pull or push names the request field it concerns.
template <typename T>
StatusOr<T> NameField(StatusOr<T> outcome, const std::string& field, const std::string& value) {
  if (outcome.ok()) return outcome;
  const std::string& message = outcome.status().message();
  for (const char* known : {"source:", "destination:", "image:", "platform:", "reference:",
                            "ca_file:", "credentials"}) {
    if (message.rfind(known, 0) == 0) return outcome;
  }
  return outcome.status().Annotate(field + ": " + value);
}

}  // namespace

RegistryTransport::RegistryTransport(ImageStore* store, const BlobStore* blobs,
                                     RegistryTransportOptions options)
    : store_(store),
      blobs_(blobs),
      options_(std::move(options)),
      credentials_(options_.credentials_path) {
  InitHttp();
}

v1::RegistryCredentials RegistryTransport::CredentialsFor(const std::string& registry,
                                                          const v1::RegistryCredentials& given) {
  if (!given.username().empty() || !given.password().empty()) return given;
  return credentials_.Lookup(registry);
}

RegistryEndpointOptions RegistryTransport::EndpointOptions(const std::string& ca_file) const {
  RegistryEndpointOptions endpoint;
  endpoint.insecure_registries = options_.insecure_registries;
  endpoint.tls.ca_file = ca_file;
  return endpoint;
}

StatusOr<v1::Image> RegistryTransport::Pull(const v1::PullRequest& request,
                                            const TransferProgressSink& progress,
                                            const TransferCancelCheck& cancelled) {
  ASSIGN_OR_RETURN(RegistryReference reference, ParseRegistryReference(request.source(), "source"));
  ASSIGN_OR_RETURN(Platform platform, ParsePlatform(request.platform(), "platform"));
  RETURN_IF_ERROR(CheckCaFile(request.ca_file(), "ca_file"));
  RegistryClient client(reference,
                        CredentialsFor(reference.registry, request.registry_credentials()),
                        EndpointOptions(request.ca_file()));
  RegistryPull pull(store_, &client, reference, options_.pull, progress, cancelled);
  auto image = pull.Run(platform, request.reference());
  // A full disk is the agent's, not the registry's: not said as a fault of the source.
  if (!image.ok() && IsDiskFull(image.status()))
    return ExplainDiskFull(image.status(), store_->root_dir()).Annotate("pull " + request.source());
  return NameField(std::move(image), "source", request.source());
}

StatusOr<v1::PushResult> RegistryTransport::Push(const v1::PushRequest& request,
                                                 const TransferProgressSink& progress,
                                                 const TransferCancelCheck& cancelled) {
  ASSIGN_OR_RETURN(v1::Image image, store_->Resolve(request.image(), "image"));
  std::string destination_text = request.destination();
  const char* field = "destination";
  if (destination_text.empty()) {
    if (image.references().empty()) {
      return InvalidArgument("destination: empty, and image '" + request.image() +
                             "' has no reference to push to; name one");
    }
    destination_text = image.references(0);
    field = "image";
  }
  ASSIGN_OR_RETURN(RegistryReference destination, ParseRegistryReference(destination_text, field));
  if (!destination.digest.empty()) {
    return InvalidArgument(std::string(field) + ": '" + destination_text +
                           "': a push needs a tag, not a digest");
  }
  RETURN_IF_ERROR(CheckCaFile(request.ca_file(), "ca_file"));
  // Repositories of the same registry that the image is known in: blobs may be mounted.
  std::vector<std::string> mount_sources;
  for (const auto& reference : image.references()) {
    auto parsed = ParseRegistryReference(reference, "reference");
    if (parsed.ok() && parsed->registry == destination.registry &&
        parsed->repository != destination.repository) {
      mount_sources.push_back(parsed->repository);
    }
  }
  RegistryClient client(destination,
                        CredentialsFor(destination.registry, request.registry_credentials()),
                        EndpointOptions(request.ca_file()));
  RegistryPush push(blobs_, &client, destination, options_.push, progress, cancelled);
  return NameField(push.Run(image, mount_sources), "destination", destination_text);
}

Status RegistryTransport::Login(const v1::LoginRequest& request) {
  ASSIGN_OR_RETURN(std::string registry, RegistryHost(request.registry()));
  if (request.credentials().username().empty()) {
    return InvalidArgument("credentials.username: empty; give a user name");
  }
  if (request.credentials().password().empty()) {
    return InvalidArgument("credentials.password: empty; give a password or token");
  }
  RETURN_IF_ERROR(CheckCaFile(request.ca_file(), "ca_file"));
  RegistryReference reference;
  reference.registry = registry;
  RegistryClient client(reference, request.credentials(), EndpointOptions(request.ca_file()));
  RETURN_IF_ERROR(client.CheckLogin().Annotate("credentials"));
  return credentials_.Store(registry, request.credentials());
}

StatusOr<bool> RegistryTransport::Logout(const v1::LogoutRequest& request) {
  ASSIGN_OR_RETURN(std::string registry, RegistryHost(request.registry()));
  return credentials_.Remove(registry);
}

}  // namespace boxcar
