#include "api/attach_stream.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/grpc_status.h"

namespace boxcar {

namespace {

using AttachStream = grpc::ServerReaderWriter<v1::AttachResponse, v1::AttachRequest>;

constexpr auto kClientGrace = std::chrono::seconds(5);

// Relays the client's messages to the container until the client half-closes or goes away.
class InputPump {
 public:
  InputPump(ContainerService* containers, std::string id,
            std::shared_ptr<AttachConnection> connection, AttachStream* stream)
      : thread_([this, containers, id = std::move(id), connection, stream] {
          Run(containers, id, connection.get(), stream);
        }) {}
  ~InputPump() { thread_.join(); }

  // Waits up to `timeout` for the client's half-close; false when it did not come.
  bool WaitDone(std::chrono::seconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return done_; });
  }

 private:
  void Run(ContainerService* containers, const std::string& id, AttachConnection* connection,
           AttachStream* stream) {
    v1::AttachRequest request;
    bool input_open = connection != nullptr;
    while (stream->Read(&request)) {
      if (request.has_stdin() && input_open) {
        // A payload that has ended just loses the rest.
        input_open = connection->SendInput(request.stdin()).ok();
      } else if (request.has_close_stdin() && request.close_stdin() && input_open) {
        (void)connection->CloseInput();
        input_open = false;
      } else if (request.has_resize() && connection != nullptr) {
        (void)connection->Resize(static_cast<uint16_t>(request.resize().rows()),
                                 static_cast<uint16_t>(request.resize().columns()));
      } else if (request.request_case() == v1::AttachRequest::kSignal) {
        (void)containers->Kill(id, request.signal());
      }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
    changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

grpc::Status ServeAttach(ContainerService* containers, grpc::ServerContext* context,
                         AttachStream* stream) {
  v1::AttachRequest first;
  if (!stream->Read(&first) || !first.has_start()) {
    return ToGrpcStatus(InvalidArgument("start: the first Attach message must be `start`"));
  }
  const v1::AttachStart& start = first.start();
  if (start.terminal_size().rows() > 0xffff || start.terminal_size().columns() > 0xffff) {
    return ToGrpcStatus(InvalidArgument("start.terminal_size: rows and columns are at most 65535"));
  }
  ContainerService::AttachOptions options;
  options.start = start.start();
  options.remove = start.remove();
  options.rows = static_cast<uint16_t>(start.terminal_size().rows());
  options.columns = static_cast<uint16_t>(start.terminal_size().columns());

  std::unique_ptr<InputPump> pump;
  ContainerService::AttachCallbacks callbacks;
  callbacks.attached = [&](const v1::Container& container,
                           std::shared_ptr<AttachConnection> connection) {
    v1::AttachResponse message;
    *message.mutable_attached() = container;
    if (!stream->Write(message)) return false;
    pump = std::make_unique<InputPump>(containers, container.id(), std::move(connection), stream);
    return true;
  };
  callbacks.output = [stream](v1::LogStream log_stream, const std::string& bytes) {
    v1::AttachResponse message;
    message.mutable_output()->set_stream(log_stream);
    message.mutable_output()->set_data(bytes);
    return stream->Write(message);
  };
  callbacks.cancelled = [context] { return context->IsCancelled(); };
  std::string failed_step;
  auto exited = containers->Attach(start.container(), options, callbacks, &failed_step);
  if (!failed_step.empty()) context->AddTrailingMetadata("boxcar-failed-step", failed_step);
  grpc::Status result = grpc::Status::OK;
  if (!exited.ok()) {
    result = ToGrpcStatus(exited.status());
  } else {
    v1::AttachResponse last;
    *last.mutable_exited() = std::move(*exited);
    stream->Write(last);
  }
  // The client half-closes once it has the exit code; one that does not is cut off.
  if (pump && !pump->WaitDone(result.ok() ? kClientGrace : std::chrono::seconds(0))) {
    context->TryCancel();
  }
  pump.reset();
  return result;
}

}  // namespace boxcar
