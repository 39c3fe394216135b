#include "core/store/sqlite_db.h"

namespace ddsim::store {

using common::Result;
using common::Status;

Database::~Database() {
  if (db_) sqlite3_close_v2(db_);
}

Result<Database> Database::open(const std::string& path, bool create, bool read_only) {
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (create && !read_only) flags |= SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_NOMUTEX;  // callers serialize access to one connection
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if (db) sqlite3_close_v2(db);
    return common::ioError("cannot open run store " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 1);
  return Database(db);
}

Status Database::exec(std::string_view sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return common::ioError("run store: " + msg);
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* st = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr);
  if (rc != SQLITE_OK) return error("preparing \"" + std::string(sql.substr(0, 60)) + "\"");
  return Statement(st, db_);
}

int64_t Database::lastInsertId() const { return sqlite3_last_insert_rowid(db_); }

Status Database::error(std::string_view what) const {
  return common::ioError("run store: " + std::string(sqlite3_errmsg(db_)) + " (while " + std::string(what) + ")");
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (st_) sqlite3_finalize(st_);
    st_ = other.st_;
    db_ = other.db_;
    other.st_ = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  if (st_) sqlite3_finalize(st_);
}

Statement& Statement::bind(int i, int64_t v) {
  sqlite3_bind_int64(st_, i, v);
  return *this;
}

Statement& Statement::bind(int i, double v) {
  sqlite3_bind_double(st_, i, v);
  return *this;
}

Statement& Statement::bind(int i, std::string_view text) {
  sqlite3_bind_text64(st_, i, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bindBlob(int i, std::string_view bytes) {
  sqlite3_bind_blob64(st_, i, bytes.data(), bytes.size(), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bindNull(int i) {
  sqlite3_bind_null(st_, i);
  return *this;
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return common::ioError(std::string("run store: ") + sqlite3_errmsg(db_));
}

Status Statement::run() {
  auto r = step();
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
  if (!r.isOk()) return r.status();
  return Status::ok();
}

void Statement::reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(st_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(st_, col)))
           : std::string();
}

std::string Statement::blob(int col) const {
  const void* p = sqlite3_column_blob(st_, col);
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(st_, col)))
           : std::string();
}

}  // namespace ddsim::store
