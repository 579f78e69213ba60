#pragma once
// SQLite helpers: running SQL text, opening a database, and a prepared statement that finalizes
// itself, with typed binding and reading.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace procura {

// Runs SQL text (one or more statements); throws with SQLite's message.
inline void sqlite_exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error("SQLite: " + why);
  }
}

// Opens (creating if needed) a database file, waiting up to `busy_ms` for locks; throws with
// the reason.
inline sqlite3* open_sqlite(const std::string& path, int busy_ms) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("cannot open the database " + path + ": " + why);
  }
  sqlite3_busy_timeout(db, busy_ms);
  return db;
}

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(db) + " in: " + sql);
    stmt_.reset(s);
  }
  // A statement kept prepared by its owner (a statement cache): reset and cleared, not
  // finalized, when this goes.
  static Statement borrowed(sqlite3* db, sqlite3_stmt* s) { return Statement(db, s); }
  Statement& bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_.get(), i, v);
    return *this;
  }
  Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, const char* v) { return bind(i, std::string(v)); }
  // Binds the values to ?1, ?2, ... runs the statement once and resets it.
  template <class... T>
  void insert(const T&... values) {
    int i = 0;
    (bind(++i, values), ...);
    if (sqlite3_step(stmt_.get()) != SQLITE_DONE)
      throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(db_));
    sqlite3_reset(stmt_.get());
  }
  // Advances to the next row: false when there is none.
  bool step() {
    int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(db_));
    return false;
  }
  std::string text(int c) const {
    auto p = sqlite3_column_text(stmt_.get(), c);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), c)))
             : "";
  }
  std::int64_t integer(int c) const { return sqlite3_column_int64(stmt_.get(), c); }
  bool is_null(int c) const { return sqlite3_column_type(stmt_.get(), c) == SQLITE_NULL; }

 private:
  Statement(sqlite3* db, sqlite3_stmt* s) : db_(db), stmt_(s, Deleter{true}) {}
  struct Deleter {
    Deleter() : borrowed(false) {}
    explicit Deleter(bool b) : borrowed(b) {}
    bool borrowed;
    void operator()(sqlite3_stmt* s) const {
      if (!borrowed) {
        sqlite3_finalize(s);
        return;
      }
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
    }
  };
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Deleter> stmt_;
};

}  // namespace procura
