// The agent's SQLite schema: images, their layers and references, the build cache, and
// containers. Records are serialized boxcar.v1 protobuf messages; columns hold what queries
// filter on.
#pragma once

namespace boxcar {

inline constexpr const char* kStateSchema = R"sql(
CREATE TABLE IF NOT EXISTS layers(
  number INTEGER PRIMARY KEY AUTOINCREMENT,
  diff_id TEXT NOT NULL UNIQUE,
  blob_digest TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  unpacked_bytes INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS images(
  id TEXT PRIMARY KEY,
  record BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS image_layers(
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  diff_id TEXT NOT NULL REFERENCES layers(diff_id),
  PRIMARY KEY(image_id, position));
CREATE TABLE IF NOT EXISTS image_refs(
  reference TEXT PRIMARY KEY,
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS image_repo_digests(
  repo_digest TEXT PRIMARY KEY,
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS archive_digests(
  archive_digest TEXT PRIMARY KEY,
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS build_cache(
  parent_id TEXT NOT NULL,
  step_key TEXT NOT NULL,
  image_id TEXT NOT NULL,
  PRIMARY KEY(parent_id, step_key));
CREATE TABLE IF NOT EXISTS containers(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  image_id TEXT NOT NULL,
  record BLOB NOT NULL,
  shim_pid INTEGER NOT NULL DEFAULT 0,
  shim_start_ticks INTEGER NOT NULL DEFAULT 0,
  init_start_ticks INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS networks(
  name TEXT PRIMARY KEY,
  record BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS network_leases(
  network TEXT NOT NULL REFERENCES networks(name),
  address INTEGER NOT NULL,
  container_id TEXT NOT NULL UNIQUE,
  PRIMARY KEY(network, address));
)sql";

}  // namespace boxcar
