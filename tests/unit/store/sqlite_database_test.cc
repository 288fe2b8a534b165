#include "store/sqlite_database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include "common/directory_tree.h"
#include "../temp_dir.h"

namespace boxcar {
namespace {

using ::testing::HasSubstr;

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-sqlite-XXXXXX", &dir_));
    auto db = SqliteDatabase::Open(dir_ + "/test.db",
                                   "CREATE TABLE IF NOT EXISTS t(k TEXT PRIMARY KEY, v INTEGER);");
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    (void)RemoveTree(dir_);
  }
  Status Insert(const std::string& key, int64_t value) {
    auto insert = db_->Prepare("INSERT INTO t(k, v) VALUES(?, ?)");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, key).Bind(2, value);
    return insert->Run();
  }
  std::vector<std::string> Keys() {
    std::vector<std::string> keys;
    auto select = db_->Prepare("SELECT k FROM t ORDER BY k");
    EXPECT_TRUE(select.ok());
    EXPECT_TRUE(select
                    ->ForEachRow([&](const SqliteStatement& row) {
                      keys.push_back(row.ColumnText(0));
                      return OkStatus();
                    })
                    .ok());
    return keys;
  }

  std::string dir_;
  std::unique_ptr<SqliteDatabase> db_;
};

TEST_F(SqliteDatabaseTest, ForEachRowVisitsEveryRowAndStopsAtTheFirstError) {
  ASSERT_TRUE(Insert("a", 1).ok());
  ASSERT_TRUE(Insert("b", 2).ok());
  ASSERT_TRUE(Insert("c", 3).ok());
  EXPECT_EQ(Keys(), (std::vector<std::string>{"a", "b", "c"}));
  auto select = db_->Prepare("SELECT v FROM t ORDER BY k");
  ASSERT_TRUE(select.ok());
  int visited = 0;
  Status stopped = select->ForEachRow([&](const SqliteStatement& row) {
    ++visited;
    return row.ColumnInt(0) == 2 ? InvalidArgument("two") : OkStatus();
  });
  EXPECT_EQ(stopped.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(visited, 2);
}

TEST_F(SqliteDatabaseTest, AConstraintViolationIsAnErrorAndChangesNothing) {
  ASSERT_TRUE(Insert("a", 1).ok());
  Status duplicate = Insert("a", 2);
  EXPECT_FALSE(duplicate.ok());
  auto select = db_->Prepare("SELECT v FROM t WHERE k = 'a'");
  ASSERT_TRUE(select.ok());
  ASSERT_TRUE(*select->Step());
  EXPECT_EQ(select->ColumnInt(0), 1);
}

TEST_F(SqliteDatabaseTest, ATransactionNotCommittedIsRolledBack) {
  {
    SqliteTransaction transaction(*db_);
    ASSERT_TRUE(transaction.begun().ok());
    ASSERT_TRUE(Insert("gone", 1).ok());
  }
  EXPECT_TRUE(Keys().empty());
  {
    SqliteTransaction transaction(*db_);
    ASSERT_TRUE(Insert("kept", 1).ok());
    ASSERT_TRUE(transaction.Commit().ok());
  }
  EXPECT_EQ(Keys(), (std::vector<std::string>{"kept"}));
}

TEST_F(SqliteDatabaseTest, BlobsKeepEveryByteAndBadSqlNamesTheProblem) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE b(x BLOB)").ok());
  const std::string bytes("a\0b\xff", 4);
  auto insert = db_->Prepare("INSERT INTO b(x) VALUES(?)");
  ASSERT_TRUE(insert.ok());
  insert->BindBlob(1, bytes);
  ASSERT_TRUE(insert->Run().ok());
  auto select = db_->Prepare("SELECT x FROM b");
  ASSERT_TRUE(select.ok());
  ASSERT_TRUE(*select->Step());
  EXPECT_EQ(select->ColumnBlob(0), bytes);
  auto bad = db_->Prepare("SELEKT 1");
  EXPECT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("syntax error"));
}

TEST_F(SqliteDatabaseTest, AStatementReusedStartsOverWithoutTheOldBindings) {
  ASSERT_TRUE(Insert("a", 1).ok());
  ASSERT_TRUE(Insert("b", 2).ok());
  const std::string sql = "SELECT k FROM t WHERE v >= ? ORDER BY k";
  {
    // Stopped after its first row: it must not hold the read transaction or its binding.
    auto select = db_->Prepare(sql);
    ASSERT_TRUE(select.ok());
    select->Bind(1, int64_t{1});
    ASSERT_TRUE(*select->Step());
    EXPECT_EQ(select->ColumnText(0), "a");
  }
  {
    // The same SQL twice at once: two statements, each from its own first row.
    auto first = db_->Prepare(sql);
    auto second = db_->Prepare(sql);
    ASSERT_TRUE(first.ok() && second.ok());
    first->Bind(1, int64_t{2});
    second->Bind(1, int64_t{0});
    ASSERT_TRUE(*first->Step());
    ASSERT_TRUE(*second->Step());
    EXPECT_EQ(first->ColumnText(0), "b");
    EXPECT_EQ(second->ColumnText(0), "a");
  }
  // Unbound again: NULL matches nothing.
  auto unbound = db_->Prepare(sql);
  ASSERT_TRUE(unbound.ok());
  EXPECT_FALSE(*unbound->Step());
  // A writer is not blocked by a reader left behind.
  SqliteTransaction transaction(*db_);
  ASSERT_TRUE(transaction.begun().ok());
  ASSERT_TRUE(Insert("c", 3).ok());
  EXPECT_TRUE(transaction.Commit().ok());
}

TEST_F(SqliteDatabaseTest, TheDataSurvivesReopening) {
  ASSERT_TRUE(Insert("a", 1).ok());
  db_.reset();
  auto db = SqliteDatabase::Open(dir_ + "/test.db",
                                 "CREATE TABLE IF NOT EXISTS t(k TEXT PRIMARY KEY, v INTEGER);");
  ASSERT_TRUE(db.ok());
  db_ = std::move(*db);
  EXPECT_EQ(Keys(), (std::vector<std::string>{"a"}));
}

}  // namespace
}  // namespace boxcar
