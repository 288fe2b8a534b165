// The networks and address leases tables of the agent's SQLite database: a network's record
// (the Network message without endpoints) and one row per container holding an address, so
// leases survive restarts and are reconciled with the containers at start-up.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "boxcar/v1/networks.pb.h"
#include "store/sqlite_database.h"

namespace boxcar {

struct AddressLease {
  std::string network;
  uint32_t address = 0;
  std::string container_id;
};

class NetworkRecords {
 public:
  explicit NetworkRecords(SqliteDatabase* db) : db_(db) {}

  Status InsertNetwork(const v1::Network& network);
  Status DeleteNetwork(const std::string& name);
  StatusOr<std::vector<v1::Network>> LoadNetworks();

  // ALREADY_EXISTS when the address is leased already.
  Status InsertLease(const AddressLease& lease);
  Status DeleteLease(const std::string& container_id);
  StatusOr<std::vector<AddressLease>> LoadLeases();

 private:
  SqliteDatabase* db_;
};

}  // namespace boxcar
