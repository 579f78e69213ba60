#include <sqlite3.h>

#include <mutex>
#include <stdexcept>

#include "storage/platform_store.hpp"
#include "storage/sqlite_statement.hpp"

namespace procura {

namespace {

// Migrations, applied in order; the index + 1 is the schema version (PRAGMA user_version).
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE revision (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, id TEXT NOT NULL,
  round_id TEXT NOT NULL, rev INTEGER NOT NULL, data TEXT NOT NULL, sealed TEXT NOT NULL,
  owner TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, UNIQUE (kind, id, rev));
-- The latest revision of every object, in order of creation (for lists and pages).
CREATE TABLE head (kind TEXT NOT NULL, id TEXT NOT NULL, round_id TEXT NOT NULL,
  first_seq INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
CREATE INDEX head_round ON head(kind, round_id, first_seq);
CREATE TABLE user (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
  org_id TEXT NOT NULL, password_hash TEXT NOT NULL);
CREATE TABLE session (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES user(id),
  expires_at INTEGER NOT NULL);
CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
  action TEXT NOT NULL, body_hash TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE file (key TEXT PRIMARY KEY, content BLOB NOT NULL);
)sql",
    R"sql(
CREATE TABLE login_failure (user_id TEXT NOT NULL, at BIGINT NOT NULL);
CREATE INDEX login_failure_user ON login_failure(user_id, at);
)sql"};

const char* const kRevisionColumns =
    "r.seq, r.kind, r.id, r.round_id, r.rev, r.data, r.sealed, r.owner, r.actor, r.at";

ObjectRevision read_revision(const Statement& s) {
  return {s.integer(0), s.text(1), s.text(2), s.text(3), s.integer(4),
          s.text(5),    s.text(6), s.text(7), s.text(8), s.text(9)};
}

AuditEntry read_audit(const Statement& s) {
  return {s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6)};
}

class SqlitePlatformStore : public PlatformStore {
 public:
  explicit SqlitePlatformStore(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
      std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error("cannot open the database " + path + ": " + why);
    }
    sqlite3_busy_timeout(db_, 10000);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec("PRAGMA foreign_keys=ON");
    migrate();
  }
  ~SqlitePlatformStore() override { sqlite3_close(db_); }

  void transaction(const std::function<void()>& f) override {
    std::lock_guard lock(mutex_);
    if (depth_++ == 0) exec("BEGIN IMMEDIATE");
    try {
      f();
    } catch (...) {
      if (--depth_ == 0) exec("ROLLBACK");
      throw;
    }
    if (--depth_ == 0) exec("COMMIT");
  }

  ObjectRevision& put(ObjectRevision& r) override {
    std::lock_guard lock(mutex_);
    Statement last(db_, "SELECT MAX(rev) FROM revision WHERE kind = ?1 AND id = ?2");
    last.bind(1, r.kind).bind(2, r.id);
    r.rev = last.step() && !last.is_null(0) ? last.integer(0) + 1 : 1;
    Statement(db_,
              "INSERT INTO revision (kind, id, round_id, rev, data, sealed, owner, actor, at) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
        .insert(r.kind, r.id, r.round_id, static_cast<std::int64_t>(r.rev), r.data, r.sealed,
                r.owner, r.actor, r.at);
    r.seq = sqlite3_last_insert_rowid(db_);
    Statement(db_,
              "INSERT INTO head (kind, id, round_id, first_seq, seq) VALUES (?1, ?2, ?3, ?4, ?4) "
              "ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq")
        .insert(r.kind, r.id, r.round_id, static_cast<std::int64_t>(r.seq));
    return r;
  }

  std::optional<ObjectRevision> latest(const std::string& kind, const std::string& id) override {
    std::lock_guard lock(mutex_);
    Statement s(db_,
                (std::string("SELECT ") + kRevisionColumns +
                 " FROM head h JOIN revision r ON r.seq = h.seq WHERE h.kind = ?1 AND h.id = ?2")
                    .c_str());
    s.bind(1, kind).bind(2, id);
    if (!s.step()) return std::nullopt;
    return read_revision(s);
  }

  std::vector<ObjectRevision> list(const std::string& kind, const std::string& round_id,
                                   long offset, long limit) override {
    std::lock_guard lock(mutex_);
    Statement s(db_, (std::string("SELECT ") + kRevisionColumns +
                      " FROM head h JOIN revision r ON r.seq = h.seq WHERE h.kind = ?1 AND "
                      "(?2 = '' OR h.round_id = ?2) ORDER BY h.first_seq LIMIT ?3 OFFSET ?4")
                         .c_str());
    s.bind(1, kind)
        .bind(2, round_id)
        .bind(3, static_cast<std::int64_t>(limit))
        .bind(4, static_cast<std::int64_t>(offset));
    std::vector<ObjectRevision> out;
    while (s.step()) out.push_back(read_revision(s));
    return out;
  }

  long count(const std::string& kind, const std::string& round_id) override {
    std::lock_guard lock(mutex_);
    Statement s(db_, "SELECT COUNT(*) FROM head WHERE kind = ?1 AND (?2 = '' OR round_id = ?2)");
    s.bind(1, kind).bind(2, round_id);
    return s.step() ? static_cast<long>(s.integer(0)) : 0;
  }

  std::vector<ObjectRevision> revisions(const std::string& kind, const std::string& id) override {
    std::lock_guard lock(mutex_);
    Statement s(db_, (std::string("SELECT ") + kRevisionColumns +
                      " FROM revision r WHERE r.kind = ?1 AND r.id = ?2 ORDER BY r.rev")
                         .c_str());
    s.bind(1, kind).bind(2, id);
    std::vector<ObjectRevision> out;
    while (s.step()) out.push_back(read_revision(s));
    return out;
  }

  std::vector<ObjectRevision> feed(long after, long limit) override {
    std::lock_guard lock(mutex_);
    Statement s(db_, (std::string("SELECT ") + kRevisionColumns +
                      " FROM revision r WHERE r.seq > ?1 ORDER BY r.seq LIMIT ?2")
                         .c_str());
    s.bind(1, static_cast<std::int64_t>(after)).bind(2, static_cast<std::int64_t>(limit));
    std::vector<ObjectRevision> out;
    while (s.step()) out.push_back(read_revision(s));
    return out;
  }

  void put_user(const UserRecord& u) override {
    std::lock_guard lock(mutex_);
    Statement(db_,
              "INSERT INTO user (id, name, role, org_id, password_hash) VALUES (?1, ?2, ?3, ?4, "
              "?5) ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, "
              "org_id = excluded.org_id, password_hash = excluded.password_hash")
        .insert(u.id, u.name, u.role, u.org_id, u.password_hash);
  }

  std::optional<UserRecord> user(const std::string& id) override {
    std::lock_guard lock(mutex_);
    Statement s(db_, "SELECT id, name, role, org_id, password_hash FROM user WHERE id = ?1");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return UserRecord{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)};
  }

  void put_session(const std::string& token_hash, const std::string& user_id,
                   long long expires_at) override {
    std::lock_guard lock(mutex_);
    Statement(db_, "INSERT INTO session (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)")
        .insert(token_hash, user_id, static_cast<std::int64_t>(expires_at));
  }

  std::optional<std::string> session_user(const std::string& token_hash, long long now) override {
    std::lock_guard lock(mutex_);
    Statement s(db_, "SELECT user_id FROM session WHERE token_hash = ?1 AND expires_at > ?2");
    s.bind(1, token_hash).bind(2, static_cast<std::int64_t>(now));
    if (!s.step()) return std::nullopt;
    return s.text(0);
  }

  void record_login_failure(const std::string& user_id, long long at) override {
    std::lock_guard lock(mutex_);
    Statement(db_, "INSERT INTO login_failure (user_id, at) VALUES (?1, ?2)")
        .insert(user_id, static_cast<std::int64_t>(at));
  }

  long login_failures(const std::string& user_id, long long since) override {
    std::lock_guard lock(mutex_);
    Statement s(db_, "SELECT COUNT(*) FROM login_failure WHERE user_id = ?1 AND at >= ?2");
    s.bind(1, user_id).bind(2, static_cast<std::int64_t>(since));
    s.step();
    return static_cast<long>(s.integer(0));
  }

  void append_audit(const AuditEntry& e) override {
    std::lock_guard lock(mutex_);
    Statement(db_,
              "INSERT INTO audit (seq, at, actor, action, body_hash, prev_hash, hash) VALUES (?1, "
              "?2, ?3, ?4, ?5, ?6, ?7)")
        .insert(static_cast<std::int64_t>(e.seq), e.at, e.actor, e.action, e.body_hash, e.prev_hash,
                e.hash);
  }

  std::optional<AuditEntry> last_audit() override {
    std::lock_guard lock(mutex_);
    Statement s(db_,
                "SELECT seq, at, actor, action, body_hash, prev_hash, hash FROM audit ORDER BY seq "
                "DESC LIMIT 1");
    if (!s.step()) return std::nullopt;
    return read_audit(s);
  }

  std::vector<AuditEntry> audit(long after, long limit) override {
    std::lock_guard lock(mutex_);
    Statement s(db_,
                "SELECT seq, at, actor, action, body_hash, prev_hash, hash FROM audit WHERE seq > "
                "?1 ORDER BY seq LIMIT ?2");
    s.bind(1, static_cast<std::int64_t>(after)).bind(2, static_cast<std::int64_t>(limit));
    std::vector<AuditEntry> out;
    while (s.step()) out.push_back(read_audit(s));
    return out;
  }

  void put_file(const std::string& key, const std::string& content) override {
    std::lock_guard lock(mutex_);
    Statement(db_, "INSERT INTO file (key, content) VALUES (?1, ?2)").insert(key, content);
  }

  std::optional<std::string> file(const std::string& key) override {
    std::lock_guard lock(mutex_);
    Statement s(db_, "SELECT content FROM file WHERE key = ?1");
    s.bind(1, key);
    if (!s.step()) return std::nullopt;
    return s.text(0);
  }

 private:
  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string why = err ? err : "unknown error";
      sqlite3_free(err);
      throw std::runtime_error("SQLite: " + why);
    }
  }
  void migrate() {
    Statement v(db_, "PRAGMA user_version");
    const long version = v.step() ? static_cast<long>(v.integer(0)) : 0;
    const long n = static_cast<long>(sizeof kMigrations / sizeof *kMigrations);
    for (long i = version; i < n; ++i) {
      exec("BEGIN IMMEDIATE");
      exec(kMigrations[i]);
      exec(("PRAGMA user_version=" + std::to_string(i + 1)).c_str());
      exec("COMMIT");
    }
  }

  sqlite3* db_ = nullptr;
  std::recursive_mutex mutex_;  // one connection; transactions nest calls
  int depth_ = 0;
};

}  // namespace

std::unique_ptr<PlatformStore> open_sqlite_platform_store(const std::string& path) {
  return std::make_unique<SqlitePlatformStore>(path);
}

std::unique_ptr<PlatformStore> open_platform_store(const std::string& location, int connections) {
  if (location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0)
    return open_postgres_platform_store(location, connections);
  return open_sqlite_platform_store(location);
}

}  // namespace procura
