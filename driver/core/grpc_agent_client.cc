#include "core/grpc_agent_client.h"

namespace boxcar::nova {

namespace {

// The stream classes keep their context alive as long as the stream.
class GrpcImportStream final : public ImageImportStream {
 public:
  GrpcImportStream(std::unique_ptr<grpc::ClientContext> context, v1::Images::Stub* images,
                   const AgentClientOptions& options)
      : context_(std::move(context)), stream_(images->Import(context_.get())), options_(options) {}

  ~GrpcImportStream() override {
    if (!finished_) context_->TryCancel();
  }

  Status Start(const v1::ImportHeader& header) {
    v1::ImportRequest request;
    *request.mutable_header() = header;
    if (stream_->Write(request)) return OkStatus();
    return Broken();
  }

  Status Write(std::string chunk) override {
    v1::ImportRequest request;
    request.set_chunk(std::move(chunk));
    if (stream_->Write(request)) return OkStatus();
    return Broken();
  }

  StatusOr<v1::Image> Finish() override {
    finished_ = true;
    stream_->WritesDone();
    v1::ImportResponse response;
    v1::Image image;
    while (stream_->Read(&response)) {
      if (response.has_image()) image = response.image();
    }
    grpc::Status status = stream_->Finish();
    if (!status.ok()) return FromGrpc(status, "Images.Import", options_, options_.transfer_timeout);
    if (image.id().empty()) return Internal("Images.Import: the agent answered without an image");
    return image;
  }

 private:
  // The agent ended the stream early: its status says why.
  Status Broken() {
    finished_ = true;
    grpc::Status status = stream_->Finish();
    if (status.ok()) return Internal("Images.Import: the agent closed the stream early");
    return FromGrpc(status, "Images.Import", options_, options_.transfer_timeout);
  }

  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::ImportRequest, v1::ImportResponse>> stream_;
  AgentClientOptions options_;
  bool finished_ = false;
};

class GrpcSaveStream final : public ImageSaveStream {
 public:
  GrpcSaveStream(std::unique_ptr<grpc::ClientContext> context,
                 std::unique_ptr<grpc::ClientReader<v1::SaveChunk>> reader,
                 const AgentClientOptions& options)
      : context_(std::move(context)), reader_(std::move(reader)), options_(options) {}

  ~GrpcSaveStream() override {
    if (!done_) context_->TryCancel();
  }

  StatusOr<std::string> Read() override {
    if (done_) return std::string();
    v1::SaveChunk chunk;
    while (reader_->Read(&chunk)) {
      if (!chunk.data().empty()) return std::move(*chunk.mutable_data());
    }
    done_ = true;
    grpc::Status status = reader_->Finish();
    if (!status.ok()) return FromGrpc(status, "Images.Save", options_, options_.transfer_timeout);
    return std::string();
  }

 private:
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReader<v1::SaveChunk>> reader_;
  AgentClientOptions options_;
  bool done_ = false;
};

class GrpcEventStream final : public ContainerEventStream {
 public:
  GrpcEventStream(v1::Containers::Stub* containers, const AgentClientOptions& options)
      : containers_(containers), options_(options) {
    reader_ = containers->Events(&context_, v1::EventsRequest());
  }

  ~GrpcEventStream() override {
    if (!finished_) {
      context_.TryCancel();
      reader_->Finish();
    }
  }

  // The agent sends its headers once the subscription is in place.
  void WaitSubscribed() override { reader_->WaitForInitialMetadata(); }
  bool Read(v1::ContainerEvent* event) override { return reader_->Read(event); }

  StatusOr<std::vector<v1::Container>> ListContainers() override;

  Status Finish() override {
    finished_ = true;
    grpc::Status status = reader_->Finish();
    if (status.ok()) return OkStatus();
    return FromGrpc(status, "Containers.Events", options_, std::chrono::seconds(0));
  }

  void Cancel() override { context_.TryCancel(); }

 private:
  v1::Containers::Stub* containers_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::ContainerEvent>> reader_;
  AgentClientOptions options_;
  bool finished_ = false;
};

// A channel to the agent's socket. `own_connection`: not shared with any other channel of the
// process (a subchannel pool of its own).
std::shared_ptr<grpc::Channel> AgentChannel(const std::string& socket_path,
                                            bool own_connection = false) {
  grpc::ChannelArguments arguments;
  if (own_connection) arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // An agent that restarts is back within a second: reconnect quickly rather than back off
  // for up to two minutes, as gRPC's defaults would.
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  arguments.SetMaxReceiveMessageSize(-1);
  // The first call after the agent restarted may still go out on the dead connection and fail
  // UNAVAILABLE ("Broken pipe") before gRPC notices it is gone: the calls that only read are
  // retried (a few times within a second) on a new one. Calls that change something are not:
  // the driver decides what a failed one means.
  arguments.SetServiceConfigJSON(R"({"methodConfig": [{
    "name": [{"service": "boxcar.v1.Containers", "method": "Inspect"},
             {"service": "boxcar.v1.Containers", "method": "List"},
             {"service": "boxcar.v1.Containers", "method": "Stats"},
             {"service": "boxcar.v1.System", "method": "Info"}],
    "retryPolicy": {"maxAttempts": 4, "initialBackoff": "0.1s", "maxBackoff": "0.4s",
                    "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]})");
  return grpc::CreateCustomChannel("unix:" + socket_path, grpc::InsecureChannelCredentials(),
                                   arguments);
}

}  // namespace

Status FromGrpc(const grpc::Status& status, const std::string& call,
                const AgentClientOptions& options, std::chrono::seconds timeout) {
  auto code = static_cast<StatusCode>(status.error_code());
  if (code == StatusCode::kUnavailable) {
    return Status(code, call + ": the Boxcar agent at '" + options.socket_path +
                            "' is unreachable (" + status.error_message() +
                            "); is boxcard running? (nova.conf [boxcar] agent_socket)");
  }
  if (code == StatusCode::kDeadlineExceeded) {
    return Status(code, call + ": the Boxcar agent at '" + options.socket_path +
                            "' did not answer within " + std::to_string(timeout.count()) +
                            " s (nova.conf [boxcar] rpc_timeout / transfer_timeout)");
  }
  return Status(code, call + ": " + status.error_message());
}

GrpcAgentClient::GrpcAgentClient(AgentClientOptions options)
    : options_(std::move(options)),
      stubs_(AgentChannel(options_.socket_path)),
      // While the agent is away the event stream is retried every second, which keeps its
      // channel in reconnect backoff; on a channel of their own, the driver's calls connect
      // at once when the agent is back (on the shared one they failed for seconds after).
      events_stub_(AgentChannel(options_.socket_path, /*own_connection=*/true)) {}

std::unique_ptr<grpc::ClientContext> GrpcAgentClient::Context(std::chrono::seconds timeout) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

namespace {

// One unary call with a deadline `timeout` from now, its status translated.
template <typename Stub, typename Request, typename Response>
StatusOr<Response> CallUnary(Stub* stub,
                             grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                          Response*),
                             const char* name, const Request& request,
                             const AgentClientOptions& options, std::chrono::seconds timeout) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  Response response;
  grpc::Status status = (stub->*method)(&context, request, &response);
  if (!status.ok()) return FromGrpc(status, name, options, timeout);
  return response;
}

// Containers.List of every container, running or not, through `containers`.
StatusOr<std::vector<v1::Container>> ListAllContainers(v1::Containers::Stub* containers,
                                                       const AgentClientOptions& options) {
  v1::ListContainersRequest request;
  request.set_all(true);
  ASSIGN_OR_RETURN(auto response,
                   CallUnary(containers, &v1::Containers::Stub::List, "Containers.List", request,
                             options, options.rpc_timeout));
  return std::vector<v1::Container>(response.containers().begin(), response.containers().end());
}

}  // namespace

StatusOr<v1::InfoResponse> GrpcAgentClient::Info() {
  return CallUnary(&stubs_.system, &v1::System::Stub::Info, "System.Info", v1::InfoRequest(),
                   options_, options_.rpc_timeout);
}

StatusOr<v1::Image> GrpcAgentClient::InspectImage(const std::string& image) {
  v1::InspectImageRequest request;
  request.set_image(image);
  return CallUnary(&stubs_.images, &v1::Images::Stub::Inspect, "Images.Inspect", request, options_,
                   options_.rpc_timeout);
}

StatusOr<v1::Image> GrpcAgentClient::TagImage(const std::string& image,
                                              const std::string& reference) {
  v1::TagImageRequest request;
  request.set_image(image);
  request.set_reference(reference);
  return CallUnary(&stubs_.images, &v1::Images::Stub::Tag, "Images.Tag", request, options_,
                   options_.rpc_timeout);
}

Status GrpcAgentClient::RemoveImage(const std::string& image, bool force) {
  v1::RemoveImageRequest request;
  request.set_image(image);
  request.set_force(force);
  return CallUnary(&stubs_.images, &v1::Images::Stub::Remove, "Images.Remove", request, options_,
                   options_.rpc_timeout)
      .status();
}

StatusOr<std::unique_ptr<ImageImportStream>> GrpcAgentClient::StartImport(
    const v1::ImportHeader& header) {
  auto stream = std::make_unique<GrpcImportStream>(Context(options_.transfer_timeout),
                                                   &stubs_.images, options_);
  RETURN_IF_ERROR(stream->Start(header));
  return std::unique_ptr<ImageImportStream>(std::move(stream));
}

StatusOr<std::unique_ptr<ImageSaveStream>> GrpcAgentClient::StartSave(const std::string& image,
                                                                      v1::ArchiveFormat format) {
  v1::SaveImagesRequest request;
  request.add_images(image);
  request.set_format(format);
  auto context = Context(options_.transfer_timeout);
  auto reader = stubs_.images.Save(context.get(), request);
  return std::unique_ptr<ImageSaveStream>(
      std::make_unique<GrpcSaveStream>(std::move(context), std::move(reader), options_));
}

StatusOr<v1::Image> GrpcAgentClient::Pull(const v1::PullRequest& request) {
  auto context = Context(options_.transfer_timeout);
  auto reader = stubs_.distribution.Pull(context.get(), request);
  v1::PullResponse response;
  v1::Image image;
  while (reader->Read(&response)) {
    if (response.has_image()) image = response.image();
  }
  grpc::Status status = reader->Finish();
  if (!status.ok())
    return FromGrpc(status, "Distribution.Pull", options_, options_.transfer_timeout);
  if (image.id().empty()) return Internal("Distribution.Pull: the agent answered without an image");
  return image;
}

StatusOr<v1::PushResult> GrpcAgentClient::Push(const v1::PushRequest& request) {
  auto context = Context(options_.transfer_timeout);
  auto reader = stubs_.distribution.Push(context.get(), request);
  v1::PushResponse response;
  v1::PushResult result;
  bool answered = false;
  while (reader->Read(&response)) {
    if (response.has_result()) {
      result = response.result();
      answered = true;
    }
  }
  grpc::Status status = reader->Finish();
  if (!status.ok())
    return FromGrpc(status, "Distribution.Push", options_, options_.transfer_timeout);
  if (!answered) return Internal("Distribution.Push: the agent answered without a result");
  return result;
}

StatusOr<v1::Container> GrpcAgentClient::Create(const v1::ContainerSpec& spec) {
  v1::CreateContainerRequest request;
  *request.mutable_spec() = spec;
  return CallUnary(&stubs_.containers, &v1::Containers::Stub::Create, "Containers.Create", request,
                   options_, options_.rpc_timeout);
}

StatusOr<v1::Container> GrpcAgentClient::Start(const std::string& container) {
  v1::StartContainerRequest request;
  request.set_container(container);
  return CallUnary(&stubs_.containers, &v1::Containers::Stub::Start, "Containers.Start", request,
                   options_, options_.rpc_timeout);
}

StatusOr<v1::Container> GrpcAgentClient::Stop(const std::string& container,
                                              uint32_t timeout_seconds) {
  v1::StopContainerRequest request;
  request.set_container(container);
  request.set_timeout_seconds(timeout_seconds);
  // The agent waits up to timeout_seconds before it kills: the deadline covers that wait.
  return CallUnary(&stubs_.containers, &v1::Containers::Stub::Stop, "Containers.Stop", request,
                   options_, options_.rpc_timeout + std::chrono::seconds(timeout_seconds));
}

Status GrpcAgentClient::Remove(const std::string& container, bool force) {
  v1::RemoveContainerRequest request;
  request.set_container(container);
  request.set_force(force);
  return CallUnary(&stubs_.containers, &v1::Containers::Stub::Remove, "Containers.Remove", request,
                   options_, options_.rpc_timeout)
      .status();
}

StatusOr<v1::Container> GrpcAgentClient::Update(const v1::UpdateContainerRequest& request) {
  return CallUnary(&stubs_.containers, &v1::Containers::Stub::Update, "Containers.Update", request,
                   options_, options_.rpc_timeout);
}

StatusOr<v1::Container> GrpcAgentClient::Inspect(const std::string& container) {
  v1::InspectContainerRequest request;
  request.set_container(container);
  return CallUnary(&stubs_.containers, &v1::Containers::Stub::Inspect, "Containers.Inspect",
                   request, options_, options_.rpc_timeout);
}

StatusOr<std::vector<v1::Container>> GrpcAgentClient::List() {
  return ListAllContainers(&stubs_.containers, options_);
}

StatusOr<std::vector<v1::Container>> GrpcEventStream::ListContainers() {
  return ListAllContainers(containers_, options_);
}

std::unique_ptr<ContainerEventStream> GrpcAgentClient::OpenEvents() {
  return std::make_unique<GrpcEventStream>(&events_stub_, options_);
}

StatusOr<v1::Container> GrpcAgentClient::Pause(const std::string& container) {
  v1::PauseContainerRequest request;
  request.set_container(container);
  return CallUnary(&stubs_.containers, &v1::Containers::Stub::Pause, "Containers.Pause", request,
                   options_, options_.rpc_timeout);
}

StatusOr<v1::Container> GrpcAgentClient::Unpause(const std::string& container) {
  v1::UnpauseContainerRequest request;
  request.set_container(container);
  return CallUnary(&stubs_.containers, &v1::Containers::Stub::Unpause, "Containers.Unpause",
                   request, options_, options_.rpc_timeout);
}

StatusOr<v1::ContainerStats> GrpcAgentClient::Stats(const std::string& container) {
  v1::StatsRequest request;
  request.set_container(container);
  return CallUnary(&stubs_.containers, &v1::Containers::Stub::Stats, "Containers.Stats", request,
                   options_, options_.rpc_timeout);
}

StatusOr<std::string> GrpcAgentClient::Logs(const std::string& container, uint64_t tail_bytes) {
  v1::LogsRequest request;
  request.set_container(container);
  request.set_tail_bytes(tail_bytes);
  auto context = Context(options_.rpc_timeout);
  auto reader = stubs_.containers.Logs(context.get(), request);
  std::string output;
  v1::LogChunk chunk;
  while (reader->Read(&chunk)) output += chunk.data();
  grpc::Status status = reader->Finish();
  if (!status.ok()) return FromGrpc(status, "Containers.Logs", options_, options_.rpc_timeout);
  return output;
}

StatusOr<v1::CommitContainerResponse> GrpcAgentClient::Commit(
    const v1::CommitContainerRequest& request) {
  return CallUnary(&stubs_.containers, &v1::Containers::Stub::Commit, "Containers.Commit", request,
                   options_, options_.transfer_timeout);
}

StatusOr<v1::AttachInterfaceResponse> GrpcAgentClient::AttachInterface(const std::string& container,
                                                                       const v1::VifSpec& vif) {
  v1::AttachInterfaceRequest request;
  request.set_container(container);
  *request.mutable_interface() = vif;
  return CallUnary(&stubs_.networks, &v1::Networks::Stub::AttachInterface,
                   "Networks.AttachInterface", request, options_, options_.rpc_timeout);
}

Status GrpcAgentClient::DetachInterface(const std::string& container,
                                        const std::string& host_interface) {
  v1::DetachInterfaceRequest request;
  request.set_container(container);
  request.set_host_interface(host_interface);
  return CallUnary(&stubs_.networks, &v1::Networks::Stub::DetachInterface,
                   "Networks.DetachInterface", request, options_, options_.rpc_timeout)
      .status();
}

}  // namespace boxcar::nova
