#pragma once
// Many-row inserts: rows are buffered and written `rows_per_statement` at a time by one
// prepared `INSERT ... VALUES (...),(...),...`, so SQLite runs its insert program once per
// batch instead of once per row (bind, step, reset per row dominated finalize()'s expansion
// of the packed points). Values are integers or reals; the caller gives them column by column.
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/store/sqlite_db.h"

namespace ddsim::store {

class BatchInsert {
 public:
  // `columns` is the comma-separated column list of `table`, `column_count` its length.
  // The caller keeps `db` alive and runs inside its own transaction.
  static common::Result<BatchInsert> prepare(Database& db, const std::string& table, const std::string& columns,
                                             int column_count, int rows_per_statement = 128);

  void add(int64_t v) { values_.push_back({false, v, 0}); }
  void add(double v) { values_.push_back({true, 0, v}); }
  // Ends a row (after column_count add() calls); writes the batch when it is full.
  common::Status endRow();
  // Writes the rows still buffered.
  common::Status finish();

 private:
  struct Value {
    bool real;
    int64_t i;
    double d;
  };
  BatchInsert(Database& db, std::string sql_head, std::string row_sql, int column_count, int rows, Statement full)
      : db_(&db), sql_head_(std::move(sql_head)), row_sql_(std::move(row_sql)), columns_(column_count),
        rows_(rows), full_(std::move(full)) {}
  static std::string sqlFor(const std::string& head, const std::string& row, int rows);
  common::Status write(Statement& st, int rows);

  Database* db_;
  std::string sql_head_, row_sql_;
  int columns_;
  int rows_;
  Statement full_;
  std::vector<Value> values_;
  int buffered_rows_ = 0;
};

}  // namespace ddsim::store
