// The Volumes API's logic: the volume store plus what only the container service knows,
// which containers use a volume (a volume in use is never removed).
#pragma once

#include <string>
#include <vector>

#include "boxcar/v1/volumes.pb.h"
#include "core/container_service.h"
#include "volumes/volume_store.h"

namespace boxcar {

class VolumeService {
 public:
  VolumeService(VolumeStore* store, ContainerService* containers)
      : store_(store), containers_(containers) {}

  StatusOr<v1::Volume> Create(const std::string& name);
  std::vector<v1::Volume> List();
  StatusOr<v1::Volume> Inspect(const std::string& name);
  // FAILED_PRECONDITION naming the containers while any uses it, `force` or not; `force`
  // makes a volume that does not exist no error (Docker's `volume rm -f`).
  Status Remove(const std::string& name, bool force);
  // The volumes no container uses: anonymous ones, named ones too with `all`. Their names.
  std::vector<std::string> Prune(bool all);

 private:
  v1::Volume ToProto(const VolumeRecord& record);

  VolumeStore* store_;
  ContainerService* containers_;
};

}  // namespace boxcar
