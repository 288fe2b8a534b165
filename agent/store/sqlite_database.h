// One SQLite connection (WAL, foreign keys on) shared by the image and container records.
// Callers serialise access with mutex(); statements are RAII wrappers that return statuses.
// Prepared statements are kept for reuse: a statement ended (reset, its bindings cleared) goes
// back to its connection, and the next Prepare of the same SQL takes it instead of compiling
// the SQL again (SQLite's parser was most of the CPU of a container's records).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "common/space_reserve.h"
#include "common/status.h"

namespace boxcar {

class SqliteDatabase;

class SqliteStatement {
 public:
  // `owner`, if given, takes the statement back for reuse when this ends; else it is finalized.
  // `reserve`, if given, is released when a write finds the disk full, and the write retried.
  SqliteStatement(sqlite3* db, sqlite3_stmt* statement, SqliteDatabase* owner = nullptr,
                  SpaceReserve* reserve = nullptr)
      : db_(db), statement_(statement), owner_(owner), reserve_(reserve) {}
  SqliteStatement(SqliteStatement&& other) noexcept
      : db_(other.db_),
        statement_(std::exchange(other.statement_, nullptr)),
        owner_(other.owner_),
        reserve_(other.reserve_) {}
  SqliteStatement(const SqliteStatement&) = delete;
  ~SqliteStatement();

  SqliteStatement& Bind(int index, const std::string& text);
  SqliteStatement& BindBlob(int index, const std::string& bytes);
  SqliteStatement& Bind(int index, int64_t number);
  // Next row: true if a row is available, false when done; errors as status.
  StatusOr<bool> Step();
  // Runs to completion (for statements without rows).
  Status Run();
  // Steps through every row, calling `on_row` with the statement on it; stops at the first
  // error, SQLite's or `on_row`'s.
  Status ForEachRow(const std::function<Status(const SqliteStatement&)>& on_row);

  std::string ColumnText(int index) const;
  std::string ColumnBlob(int index) const;
  int64_t ColumnInt(int index) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_;
  SqliteDatabase* owner_;
  SpaceReserve* reserve_;
};

class SqliteDatabase {
 public:
  // Opens (creating) the database at `path` and applies `schema_sql` (idempotent DDL).
  static StatusOr<std::unique_ptr<SqliteDatabase>> Open(const std::string& path,
                                                        const std::string& schema_sql);
  ~SqliteDatabase();

  std::mutex& mutex() { return mutex_; }
  // The reserve (common/space_reserve.h) a write that finds the disk full releases before it
  // is retried once: removals, which free space, must not need any. Not owned; set at
  // start-up, before any statement.
  void set_space_reserve(SpaceReserve* reserve) { reserve_ = reserve; }
  // One statement of `sql`: a kept one if there is one, else compiled now.
  StatusOr<SqliteStatement> Prepare(const std::string& sql);
  // Any number of statements, compiled each time (for DDL and pragmas).
  Status Exec(const std::string& sql);
  // One statement without rows, through Prepare (BEGIN, COMMIT, ROLLBACK).
  Status Run(const std::string& sql);
  int64_t LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
  // Rows changed by the last statement (0 after an INSERT OR IGNORE that ignored).
  int64_t Changes() const { return sqlite3_changes(db_); }

 private:
  friend class SqliteStatement;
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  // Takes back an ended statement (reset, bindings cleared) for the next Prepare of its SQL.
  void Keep(sqlite3_stmt* statement);

  sqlite3* db_;
  SpaceReserve* reserve_ = nullptr;
  std::mutex mutex_;
  // Kept statements by their SQL; several of one SQL when callers used them at once.
  std::mutex kept_mutex_;
  std::unordered_multimap<std::string, sqlite3_stmt*> kept_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when it goes out of scope uncommitted.
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteDatabase& db) : db_(db) { begun_ = db_.Run("BEGIN IMMEDIATE"); }
  ~SqliteTransaction() {
    if (begun_.ok() && !committed_) (void)db_.Run("ROLLBACK");
  }
  const Status& begun() const { return begun_; }
  Status Commit() {
    RETURN_IF_ERROR(begun_);
    RETURN_IF_ERROR(db_.Run("COMMIT"));
    committed_ = true;
    return OkStatus();
  }

 private:
  SqliteDatabase& db_;
  Status begun_;
  bool committed_ = false;
};

}  // namespace boxcar
