#include "net/network_records.h"

namespace boxcar {

Status NetworkRecords::InsertNetwork(const v1::Network& network) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(auto statement, db_->Prepare("INSERT INTO networks(name, record) VALUES(?, ?)"));
  Status inserted = statement.Bind(1, network.name()).BindBlob(2, network.SerializeAsString()).Run();
  if (!inserted.ok() && inserted.message().find("UNIQUE") != std::string::npos) {
    return AlreadyExists("network.name: a network '" + network.name() + "' exists already");
  }
  return inserted;
}

Status NetworkRecords::DeleteNetwork(const std::string& name) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(auto statement, db_->Prepare("DELETE FROM networks WHERE name = ?"));
  return statement.Bind(1, name).Run();
}

StatusOr<std::vector<v1::Network>> NetworkRecords::LoadNetworks() {
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(auto statement, db_->Prepare("SELECT record FROM networks ORDER BY name"));
  std::vector<v1::Network> networks;
  RETURN_IF_ERROR(statement.ForEachRow([&](const SqliteStatement& row) -> Status {
    v1::Network network;
    if (!network.ParseFromString(row.ColumnBlob(0))) return DataLoss("networks: unreadable record");
    networks.push_back(std::move(network));
    return OkStatus();
  }));
  return networks;
}

Status NetworkRecords::InsertLease(const AddressLease& lease) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(auto statement,
                   db_->Prepare("INSERT INTO network_leases(network, address, container_id) "
                                "VALUES(?, ?, ?)"));
  Status inserted = statement.Bind(1, lease.network)
                        .Bind(2, static_cast<int64_t>(lease.address))
                        .Bind(3, lease.container_id)
                        .Run();
  if (!inserted.ok() && inserted.message().find("UNIQUE") != std::string::npos) {
    return AlreadyExists("the address is leased already");
  }
  return inserted;
}

Status NetworkRecords::DeleteLease(const std::string& container_id) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(auto statement, db_->Prepare("DELETE FROM network_leases WHERE container_id = ?"));
  return statement.Bind(1, container_id).Run();
}

StatusOr<std::vector<AddressLease>> NetworkRecords::LoadLeases() {
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(auto statement,
                   db_->Prepare("SELECT network, address, container_id FROM network_leases"));
  std::vector<AddressLease> leases;
  RETURN_IF_ERROR(statement.ForEachRow([&](const SqliteStatement& row) -> Status {
    leases.push_back({row.ColumnText(0), static_cast<uint32_t>(row.ColumnInt(1)), row.ColumnText(2)});
    return OkStatus();
  }));
  return leases;
}

}  // namespace boxcar
