// The Containers calls that read a container's processes and files: Top, Diff, StatPath, the
// two tar streams of `boxcar cp` and the one of `boxcar export`.
#include "api/containers_api.h"
#include "api/grpc_status.h"

namespace boxcar {

grpc::Status ContainersApi::Top(grpc::ServerContext*, const v1::TopRequest* request,
                                v1::TopResponse* response) {
  return Reply(containers_->Top(request->container()), response);
}

grpc::Status ContainersApi::Diff(grpc::ServerContext*, const v1::DiffRequest* request,
                                 v1::DiffResponse* response) {
  return Reply(containers_->Diff(request->container()), response);
}

grpc::Status ContainersApi::StatPath(grpc::ServerContext*, const v1::StatPathRequest* request,
                                     v1::PathStat* response) {
  return Reply(containers_->StatPath(request->container(), request->path()), response);
}

grpc::Status ContainersApi::CopyFrom(grpc::ServerContext*, const v1::CopyFromRequest* request,
                                     grpc::ServerWriter<v1::CopyFromResponse>* writer) {
  auto gone = [] { return Status(StatusCode::kCancelled, "the client went away"); };
  return ToGrpcStatus(containers_->CopyFrom(
      request->container(), request->path(),
      [&](const v1::PathStat& stat) {
        v1::CopyFromResponse response;
        *response.mutable_stat() = stat;
        return writer->Write(response) ? OkStatus() : gone();
      },
      [&](std::string* piece) {
        v1::CopyFromResponse response;
        response.mutable_chunk()->swap(*piece);  // and back after: tree_tar_writer.h
        const bool wrote = writer->Write(response);
        piece->swap(*response.mutable_chunk());
        return wrote ? OkStatus() : gone();
      }));
}

grpc::Status ContainersApi::Export(grpc::ServerContext*, const v1::ExportContainerRequest* request,
                                   grpc::ServerWriter<v1::ExportChunk>* writer) {
  v1::ExportChunk chunk;
  return ToGrpcStatus(containers_->Export(request->container(), [&](std::string* piece) {
    chunk.mutable_data()->swap(*piece);  // and back after: tree_tar_writer.h
    const bool wrote = writer->Write(chunk);
    piece->swap(*chunk.mutable_data());
    return wrote ? OkStatus() : Status(StatusCode::kCancelled, "the client went away");
  }));
}

grpc::Status ContainersApi::CopyTo(grpc::ServerContext*,
                                   grpc::ServerReader<v1::CopyToRequest>* reader,
                                   v1::CopyToResponse* response) {
  v1::CopyToRequest request;
  if (!reader->Read(&request) || !request.has_header()) {
    return ToGrpcStatus(InvalidArgument("header: the first message must be the header"));
  }
  const v1::CopyToHeader header = request.header();
  auto members = containers_->CopyTo(header.container(), header.path(),
                                     [&]() -> StatusOr<std::string> {
                                       v1::CopyToRequest next;
                                       while (reader->Read(&next)) {
                                         if (next.has_header())
                                           return InvalidArgument("header: sent twice");
                                         if (!next.chunk().empty())
                                           return std::move(*next.mutable_chunk());
                                       }
                                       return std::string();
                                     });
  if (!members.ok()) return ToGrpcStatus(members.status());
  response->set_members(*members);
  return grpc::Status::OK;
}

}  // namespace boxcar
