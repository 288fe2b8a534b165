#include "api/attach_stream.h"

#include <algorithm>
#include <memory>

#include "api/grpc_status.h"
#include "api/request_pump.h"

namespace boxcar {

namespace {

using AttachStream = grpc::ServerReaderWriter<v1::AttachResponse, v1::AttachRequest>;

// Relays the client's messages to the container until the client half-closes or goes away.
std::unique_ptr<RequestPump> PumpInput(ContainerService* containers, const std::string& id,
                                       std::shared_ptr<AttachConnection> connection,
                                       AttachStream* stream) {
  auto next = [containers, id, connection, stream, input_open = connection != nullptr,
               request = v1::AttachRequest()]() mutable {
    if (!stream->Read(&request)) return false;
    if (request.has_stdin() && input_open) {
      // A payload that has ended just loses the rest.
      input_open = connection->SendInput(request.stdin()).ok();
    } else if (request.has_close_stdin() && request.close_stdin() && input_open) {
      (void)connection->CloseInput();
      input_open = false;
    } else if (request.has_resize() && connection != nullptr) {
      // At most 65535 either way (winsize); larger sizes do not wrap to small.
      (void)connection->Resize(
          static_cast<uint16_t>(std::min(request.resize().rows(), 0xffffu)),
          static_cast<uint16_t>(std::min(request.resize().columns(), 0xffffu)));
    } else if (request.request_case() == v1::AttachRequest::kSignal && request.signal() > 0) {
      // Kill takes 0 for its default, SIGKILL; a client forwarding a probe (0) kills nothing.
      (void)containers->Kill(id, request.signal());
    }
    return true;
  };
  return std::make_unique<RequestPump>(std::move(next));
}

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

  std::unique_ptr<RequestPump> pump;
  ContainerService::AttachCallbacks callbacks;
  callbacks.attached = [&](const v1::Container& container,
                           std::shared_ptr<AttachConnection> connection) {
    v1::AttachResponse message;
    *message.mutable_attached() = container;
    if (!stream->Write(message)) return false;
    pump = PumpInput(containers, container.id(), std::move(connection), stream);
    return true;
  };
  callbacks.output = [stream](v1::LogStream log_stream, const std::string& bytes,
                              int64_t unix_ns) {
    v1::AttachResponse message;
    message.mutable_output()->set_stream(log_stream);
    message.mutable_output()->set_data(bytes);
    message.mutable_output()->set_time_unix_ns(unix_ns);
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
  if (pump) pump->EndCall(context, result.ok());
  pump.reset();
  return result;
}

}  // namespace boxcar
