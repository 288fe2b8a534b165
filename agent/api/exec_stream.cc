#include "api/exec_stream.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

#include "api/grpc_status.h"
#include "api/request_pump.h"
#include "common/fd_io.h"

namespace boxcar {

namespace {

using ExecStream = grpc::ServerReaderWriter<v1::ExecResponse, v1::ExecRequest>;

// Relays the client's messages to the session until the client half-closes or goes away.
// The client's half-close also ends the process's stdin.
std::unique_ptr<RequestPump> PumpStdin(ExecSession* session, ExecStream* stream) {
  // Shared with at_end, which closes stdin unless a message did.
  auto stdin_open = std::make_shared<bool>(true);
  auto next = [session, stream, stdin_open, request = v1::ExecRequest()]() mutable {
    if (!stream->Read(&request)) return false;
    if (request.has_stdin() && *stdin_open && session->stdin_fd() >= 0) {
      // A process that stopped reading stdin just loses the rest (EPIPE, SIGPIPE ignored).
      if (!WriteAll(session->stdin_fd(), request.stdin(), "exec stdin").ok()) *stdin_open = false;
    } else if (request.has_close_stdin() && request.close_stdin()) {
      session->CloseStdin();
      *stdin_open = false;
    } else if (request.has_resize()) {
      // A terminal is at most 65535 either way (winsize); larger sizes do not wrap to small.
      (void)session->Resize(static_cast<uint16_t>(std::min(request.resize().rows(), 0xffffu)),
                            static_cast<uint16_t>(std::min(request.resize().columns(), 0xffffu)));
    }
    return true;
  };
  auto at_end = [session, stdin_open] {
    if (*stdin_open) session->CloseStdin();
  };
  return std::make_unique<RequestPump>(std::move(next), std::move(at_end));
}

}  // namespace

grpc::Status ServeExec(ContainerService* containers, grpc::ServerContext* context,
                       ExecStream* stream) {
  v1::ExecRequest first;
  if (!stream->Read(&first) || !first.has_start()) {
    return ToGrpcStatus(InvalidArgument("start: the first Exec message must be `start`"));
  }
  int exit_code_hint = 0;
  auto session = containers->Exec(first.start().container(), first.start().spec(), &exit_code_hint);
  if (!session.ok()) return ToGrpcStatus(session.status());
  v1::ExecResponse response;
  response.mutable_started()->set_pid((*session)->pid());
  if (!stream->Write(response)) return grpc::Status::CANCELLED;

  grpc::Status result = grpc::Status::OK;
  {
    std::unique_ptr<RequestPump> pump = PumpStdin(session->get(), stream);
    struct pollfd fds[2] = {{(*session)->stdout_fd(), POLLIN, 0},
                            {(*session)->stderr_fd(), POLLIN, 0}};
    std::string buffer(64 * 1024, '\0');
    int open_streams = (fds[0].fd >= 0) + (fds[1].fd >= 0);
    while (open_streams > 0) {
      if (context->IsCancelled()) {
        result = grpc::Status::CANCELLED;
        break;
      }
      int ready = ::poll(fds, 2, 100);
      if (ready < 0 && errno != EINTR) {
        result = ToGrpcStatus(ErrnoStatus("poll exec output"));
        break;
      }
      for (int i = 0; i < 2 && ready > 0; ++i) {
        if (fds[i].fd < 0 || fds[i].revents == 0) continue;
        ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) {
          fds[i].fd = -1;  // EOF: the process (and whatever inherited the pipe) closed it
          --open_streams;
          continue;
        }
        v1::ExecResponse output;
        if (i == 0) {
          output.set_stdout(buffer.data(), static_cast<size_t>(n));
        } else {
          output.set_stderr(buffer.data(), static_cast<size_t>(n));
        }
        if (!stream->Write(output)) {
          result = grpc::Status::CANCELLED;
          open_streams = 0;
          break;
        }
      }
    }
    if (result.ok()) {
      auto exit_code = (*session)->Wait();
      if (!exit_code.ok()) {
        result = ToGrpcStatus(exit_code.status());
      } else {
        v1::ExecResponse exit;
        exit.mutable_exit()->set_exit_code(*exit_code);
        stream->Write(exit);
      }
    }
    pump->EndCall(context, result.ok());
  }
  return result;
}

}  // namespace boxcar
