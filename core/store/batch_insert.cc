#include "core/store/batch_insert.h"

namespace ddsim::store {

using common::Result;
using common::Status;

std::string BatchInsert::sqlFor(const std::string& head, const std::string& row, int rows) {
  std::string sql = head;
  sql.reserve(head.size() + static_cast<size_t>(rows) * (row.size() + 1));
  for (int r = 0; r < rows; ++r) {
    if (r) sql.push_back(',');
    sql += row;
  }
  return sql;
}

Result<BatchInsert> BatchInsert::prepare(Database& db, const std::string& table, const std::string& columns,
                                         int column_count, int rows_per_statement) {
  std::string head = "INSERT INTO " + table + "(" + columns + ") VALUES";
  std::string row = "(";
  for (int c = 0; c < column_count; ++c) row += c ? ",?" : "?";
  row += ")";
  const int rows = rows_per_statement < 1 ? 1 : rows_per_statement;
  auto full = db.prepare(sqlFor(head, row, rows));
  if (!full.isOk()) return full.status();
  BatchInsert b(db, std::move(head), std::move(row), column_count, rows, std::move(full).value());
  b.values_.reserve(static_cast<size_t>(rows) * static_cast<size_t>(column_count));
  return b;
}

Status BatchInsert::write(Statement& st, int rows) {
  const size_t n = static_cast<size_t>(rows) * static_cast<size_t>(columns_);
  for (size_t i = 0; i < n; ++i) {
    const Value& v = values_[i];
    if (v.real) {
      st.bind(static_cast<int>(i + 1), v.d);
    } else {
      st.bind(static_cast<int>(i + 1), v.i);
    }
  }
  values_.clear();
  buffered_rows_ = 0;
  return st.run();
}

Status BatchInsert::endRow() {
  if (values_.size() != static_cast<size_t>(buffered_rows_ + 1) * static_cast<size_t>(columns_)) {
    return common::internalError("run store: a batched row has " + std::to_string(values_.size()) + " values buffered, expected " +
                                 std::to_string((buffered_rows_ + 1) * columns_));
  }
  if (++buffered_rows_ < rows_) return Status::ok();
  return write(full_, rows_);
}

Status BatchInsert::finish() {
  if (buffered_rows_ == 0) return Status::ok();
  auto tail = db_->prepare(sqlFor(sql_head_, row_sql_, buffered_rows_));
  if (!tail.isOk()) return tail.status();
  return write(*tail, buffered_rows_);
}

}  // namespace ddsim::store
