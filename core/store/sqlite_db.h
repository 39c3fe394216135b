#pragma once
// A thin RAII layer over SQLite (Debian's libsqlite3): a connection and prepared statements
// whose errors come back as Status. Only core/store uses it; everything else reads a run
// through the store's readers.
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/status.h"

namespace ddsim::store {

class Statement;

class Database {
 public:
  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  Database(Database&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  ~Database();

  // Opens (creating when `create`) the file at `path`; ":memory:" works too.
  static common::Result<Database> open(const std::string& path, bool create, bool read_only = false);
  // Runs one or more statements without results.
  common::Status exec(std::string_view sql);
  common::Result<Statement> prepare(std::string_view sql);
  int64_t lastInsertId() const;
  // "<sqlite message> (while <what>)" for the connection's last error.
  common::Status error(std::string_view what) const;
  sqlite3* handle() const { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

// A prepared statement. Bind indexes start at 1, column indexes at 0.
class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept : st_(other.st_), db_(other.db_) { other.st_ = nullptr; }
  Statement& operator=(Statement&& other) noexcept;
  ~Statement();

  Statement& bind(int i, int64_t v);
  Statement& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Statement& bind(int i, uint64_t v) { return bind(i, static_cast<int64_t>(v)); }
  Statement& bind(int i, double v);
  Statement& bind(int i, std::string_view text);  // copied by SQLite
  // Not copied: `bytes` must stay alive until run() or reset() (both clear the bindings).
  // For the large blobs of an insert that runs at once (bodies, packed points).
  Statement& bindBlob(int i, std::string_view bytes);
  Statement& bindNull(int i);

  // One step: true when a row is available, false when done; an error otherwise.
  common::Result<bool> step();
  // Steps a statement that returns no rows, then resets it for the next use.
  common::Status run();
  void reset();

  int64_t int64(int col) const { return sqlite3_column_int64(st_, col); }
  double real(int col) const { return sqlite3_column_double(st_, col); }
  std::string text(int col) const;
  std::string blob(int col) const;
  bool isNull(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }

 private:
  friend class Database;
  Statement(sqlite3_stmt* st, sqlite3* db) : st_(st), db_(db) {}
  sqlite3_stmt* st_ = nullptr;
  sqlite3* db_ = nullptr;
};

}  // namespace ddsim::store
