#include "core/container_records.h"

namespace boxcar {

Status ContainerRecords::Insert(const v1::Container& record, const std::string& image_as_asked) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(auto image_row, db_->Prepare("SELECT 1 FROM images WHERE id = ?"));
  image_row.Bind(1, record.image_id());
  ASSIGN_OR_RETURN(bool image_exists, image_row.Step());
  if (!image_exists) {
    return NotFound("spec.image: image '" + image_as_asked +
                    "' was removed while the container was being created");
  }
  ASSIGN_OR_RETURN(
      auto insert,
      db_->Prepare("INSERT INTO containers(id, name, image_id, record) VALUES(?, ?, ?, ?)"));
  insert.Bind(1, record.id()).Bind(2, record.name()).Bind(3, record.image_id());
  insert.BindBlob(4, record.SerializeAsString());
  return insert.Run().Annotate("record container " + record.id());
}

Status ContainerRecords::Update(const v1::Container& record, pid_t shim_pid,
                                uint64_t shim_start_ticks) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(
      auto update,
      db_->Prepare(
          "UPDATE containers SET name = ?, record = ?, shim_pid = ?, shim_start_ticks = ? "
          "WHERE id = ?"));
  update.Bind(1, record.name())
      .BindBlob(2, record.SerializeAsString())
      .Bind(3, static_cast<int64_t>(shim_pid))
      .Bind(4, static_cast<int64_t>(shim_start_ticks))
      .Bind(5, record.id());
  return update.Run().Annotate("persist container " + record.id());
}

Status ContainerRecords::Delete(const std::string& id) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(auto remove, db_->Prepare("DELETE FROM containers WHERE id = ?"));
  remove.Bind(1, id);
  return remove.Run().Annotate("delete the record of container " + id);
}

StatusOr<std::vector<StoredContainer>> ContainerRecords::LoadAll() {
  std::vector<StoredContainer> containers;
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(auto select,
                   db_->Prepare("SELECT record, shim_pid, shim_start_ticks FROM containers"));
  RETURN_IF_ERROR(select.ForEachRow([&](const SqliteStatement& row) {
    StoredContainer stored;
    if (!stored.record.ParseFromString(row.ColumnBlob(0))) {
      return DataLoss("a container record in state.db is corrupt");
    }
    stored.shim_pid = static_cast<pid_t>(row.ColumnInt(1));
    stored.shim_start_ticks = static_cast<uint64_t>(row.ColumnInt(2));
    containers.push_back(std::move(stored));
    return OkStatus();
  }));
  return containers;
}

}  // namespace boxcar
