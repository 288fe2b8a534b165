#include "store/sqlite_database.h"

#include "common/disk_full.h"

namespace boxcar {

namespace {

// Statements kept per connection, at most: the agent uses a few dozen distinct ones.
constexpr size_t kMaxKeptStatements = 128;

// SQLite's error of `db` as a status naming the database file; a full disk says so (where and
// what to do) as RESOURCE_EXHAUSTED.
Status DatabaseError(sqlite3* db, int rc, const std::string& message) {
  const char* file = sqlite3_db_filename(db, "main");
  const std::string path = file ? file : "";
  Status status = Internal("database '" + path + "': " + message);
  if ((rc & 0xff) != SQLITE_FULL) return status;
  return ExplainDiskFull(status, path.substr(0, path.rfind('/')));
}

}  // namespace

SqliteStatement::~SqliteStatement() {
  if (statement_ == nullptr) return;
  if (owner_ != nullptr) {
    owner_->Keep(statement_);
  } else {
    sqlite3_finalize(statement_);
  }
}

SqliteStatement& SqliteStatement::Bind(int index, const std::string& text) {
  sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::BindBlob(int index, const std::string& bytes) {
  sqlite3_bind_blob(statement_, index, bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, int64_t number) {
  sqlite3_bind_int64(statement_, index, number);
  return *this;
}

StatusOr<bool> SqliteStatement::Step() {
  const bool in_transaction = sqlite3_get_autocommit(db_) == 0;
  int rc = sqlite3_step(statement_);
  // A full disk: the statement was undone; with the reserve's space it goes through. Not when
  // SQLite had to roll back the caller's whole transaction (autocommit again): the caller's
  // next attempt has the space.
  if ((rc & 0xff) == SQLITE_FULL && reserve_ != nullptr &&
      (!in_transaction || sqlite3_get_autocommit(db_) == 0) && reserve_->Release()) {
    (void)sqlite3_reset(statement_);
    rc = sqlite3_step(statement_);
  }
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    if (reserve_ != nullptr && !sqlite3_stmt_readonly(statement_)) reserve_->Replenish();
    return false;
  }
  if (rc == SQLITE_CONSTRAINT)
    return AlreadyExists(std::string("database constraint: ") + sqlite3_errmsg(db_));
  return DatabaseError(db_, rc, sqlite3_errmsg(db_));
}

Status SqliteStatement::ForEachRow(
    const std::function<Status(const SqliteStatement&)>& on_row) {
  for (;;) {
    ASSIGN_OR_RETURN(bool has_row, Step());
    if (!has_row) return OkStatus();
    RETURN_IF_ERROR(on_row(*this));
  }
}

Status SqliteStatement::Run() {
  for (;;) {
    ASSIGN_OR_RETURN(bool has_row, Step());
    if (!has_row) return OkStatus();
  }
}

std::string SqliteStatement::ColumnText(int index) const {
  const unsigned char* text = sqlite3_column_text(statement_, index);
  return text ? std::string(reinterpret_cast<const char*>(text),
                            sqlite3_column_bytes(statement_, index))
              : "";
}

std::string SqliteStatement::ColumnBlob(int index) const {
  const void* blob = sqlite3_column_blob(statement_, index);
  return blob ? std::string(static_cast<const char*>(blob), sqlite3_column_bytes(statement_, index))
              : "";
}

int64_t SqliteStatement::ColumnInt(int index) const {
  return sqlite3_column_int64(statement_, index);
}

StatusOr<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(const std::string& path,
                                                               const std::string& schema_sql) {
  sqlite3* handle = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &handle,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(handle));
  if (rc != SQLITE_OK) {
    return Internal("open database '" + path +
                    "': " + (handle ? sqlite3_errmsg(handle) : "out of memory"));
  }
  sqlite3_busy_timeout(handle, 5000);
  // WAL + synchronous=NORMAL: a committed transaction survives kill -9 of the agent.
  RETURN_IF_ERROR(
      db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
          .Annotate("configure database '" + path + "'"));
  RETURN_IF_ERROR(db->Exec(schema_sql).Annotate("apply schema to '" + path + "'"));
  return db;
}

SqliteDatabase::~SqliteDatabase() {
  for (auto& [sql, statement] : kept_) sqlite3_finalize(statement);
  sqlite3_close_v2(db_);
}

StatusOr<SqliteStatement> SqliteDatabase::Prepare(const std::string& sql) {
  {
    std::lock_guard<std::mutex> lock(kept_mutex_);
    auto kept = kept_.find(sql);
    if (kept != kept_.end()) {
      sqlite3_stmt* statement = kept->second;
      kept_.erase(kept);
      return SqliteStatement(db_, statement, this, reserve_);
    }
  }
  sqlite3_stmt* statement = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &statement, &tail) !=
      SQLITE_OK) {
    return Internal("database: prepare '" + sql + "': " + sqlite3_errmsg(db_));
  }
  // Only the SQL of exactly one statement is kept: Prepare compiles the first of several, and
  // another Prepare of that SQL must compile the same one.
  const bool one_statement = statement != nullptr && *tail == '\0';
  return SqliteStatement(db_, statement, one_statement ? this : nullptr, reserve_);
}

void SqliteDatabase::Keep(sqlite3_stmt* statement) {
  // Ends a statement stopped before its last row (which holds a read transaction open) as
  // finalize would; its result code is the step's error, already reported.
  (void)sqlite3_reset(statement);
  (void)sqlite3_clear_bindings(statement);
  {
    std::lock_guard<std::mutex> lock(kept_mutex_);
    if (kept_.size() < kMaxKeptStatements) {
      kept_.emplace(sqlite3_sql(statement), statement);
      return;
    }
  }
  sqlite3_finalize(statement);
}

Status SqliteDatabase::Run(const std::string& sql) {
  ASSIGN_OR_RETURN(SqliteStatement statement, Prepare(sql));
  return statement.Run();
}

Status SqliteDatabase::Exec(const std::string& sql) {
  char* error = nullptr;
  if (int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error); rc != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    return DatabaseError(db_, rc, message);
  }
  return OkStatus();
}

}  // namespace boxcar
