#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "storage/group_commit.hpp"
#include "storage/platform_store.hpp"
#include "storage/sqlite_statement.hpp"

namespace procura {

namespace {

// The schema of this record layer. Versions start at 100 (PRAGMA user_version): databases of the
// earlier layout (versions 1-4, one generic store, audit entries over request bodies) are
// refused by name rather than read wrongly. Migrations are applied in order.
constexpr long kFirstVersion = 100;
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE revision (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, id TEXT NOT NULL,
  context TEXT NOT NULL, rev INTEGER NOT NULL, data TEXT NOT NULL, sealed TEXT NOT NULL,
  owner TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, salt TEXT NOT NULL,
  hash TEXT NOT NULL, UNIQUE (kind, id, rev));
CREATE INDEX revision_kind_context ON revision(kind, context, seq);
CREATE INDEX revision_context ON revision(context, seq);
-- The latest revision of every object, in order of creation (for lists and pages).
CREATE TABLE head (kind TEXT NOT NULL, id TEXT NOT NULL, context TEXT NOT NULL,
  first_seq INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
CREATE INDEX head_context ON head(kind, context, first_seq);
CREATE TABLE account (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
  org_id TEXT NOT NULL, password_hash TEXT NOT NULL);
CREATE TABLE session (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES account(id),
  expires_at INTEGER NOT NULL);
CREATE INDEX session_expiry ON session(expires_at);
CREATE TABLE throttle (key TEXT NOT NULL, window_start INTEGER NOT NULL, failures INTEGER NOT NULL,
  PRIMARY KEY (key, window_start)) WITHOUT ROWID;
CREATE INDEX throttle_window ON throttle(window_start);
CREATE TABLE watchlist (user_id TEXT PRIMARY KEY REFERENCES account(id), items TEXT NOT NULL,
  seen_at TEXT NOT NULL);
CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
  action TEXT NOT NULL, records TEXT NOT NULL, salt TEXT NOT NULL, body_hash TEXT NOT NULL,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE file (key TEXT PRIMARY KEY, content BLOB NOT NULL);
)sql",
    R"sql(
CREATE TABLE opening_share (round TEXT NOT NULL, account TEXT NOT NULL, number INTEGER NOT NULL,
  public_key TEXT NOT NULL, sealed TEXT NOT NULL, share TEXT NOT NULL,
  PRIMARY KEY (round, account));
)sql"};

const char* const kRevisionColumns =
    "r.seq, r.kind, r.id, r.context, r.rev, r.data, r.sealed, r.owner, r.actor, r.at, r.salt, "
    "r.hash";
const char* const kAuditColumns =
    "seq, at, actor, action, records, salt, body_hash, prev_hash, hash";

ObjectRevision read_revision(const Statement& s) {
  return {s.integer(0), s.text(1), s.text(2), s.text(3), s.integer(4), s.text(5),
          s.text(6),    s.text(7), s.text(8), s.text(9), s.text(10),   s.text(11)};
}

AuditEntry read_audit(const Statement& s) {
  AuditEntry e;
  e.seq = s.integer(0);
  e.at = s.text(1);
  e.actor = s.text(2);
  e.action = s.text(3);
  e.records = records_from_text(s.text(4));
  e.salt = s.text(5);
  e.body_hash = s.text(6);
  e.prev_hash = s.text(7);
  e.hash = s.text(8);
  return e;
}

// One writer connection with group commit (one fsync per batch of requests) and a pool of
// readers, which see committed data only (WAL snapshots), in parallel.
class SqlitePlatformStore : public PlatformStore {
 public:
  SqlitePlatformStore(const std::string& path, int readers)
      : commit_({[this] { sqlite_exec(writer_, "BEGIN IMMEDIATE"); },
                 [this] { sqlite_exec(writer_, "SAVEPOINT request"); },
                 [this] {
                   sqlite_exec(writer_, "ROLLBACK TO request");
                   sqlite_exec(writer_, "RELEASE request");
                 },
                 [this] { sqlite_exec(writer_, "RELEASE request"); },
                 [this] {
                   sqlite_exec(writer_, "COMMIT");
                   {
                     std::lock_guard lock(notice_mutex_);
                     ++changes_;
                   }
                   notice_cv_.notify_all();
                 },
                 [this] { sqlite3_exec(writer_, "ROLLBACK", nullptr, nullptr, nullptr); }}) {
    writer_ = open_sqlite(path, 10000);
    sqlite_exec(writer_, "PRAGMA journal_mode=WAL");
    sqlite_exec(writer_, "PRAGMA synchronous=FULL");
    sqlite_exec(writer_, "PRAGMA foreign_keys=ON");
    migrate(path);
    for (int i = 0; i < std::max(1, readers); ++i) {
      sqlite3* r = open_sqlite(path, 10000);
      sqlite_exec(r, "PRAGMA query_only=ON");
      readers_.push_back(r);
    }
    idle_ = readers_;
    statements_[writer_];
    for (sqlite3* r : readers_) statements_[r];
  }
  ~SqlitePlatformStore() override {
    for (auto& [db, cache] : statements_)
      for (auto& [sql, s] : cache) sqlite3_finalize(s);
    for (sqlite3* r : readers_) sqlite3_close(r);
    sqlite3_close(writer_);
  }

  void transaction(const std::function<void()>& f) override { commit_.run(f); }
  bool in_transaction() const override { return commit_.in_request(); }

  void put(const ObjectRevision& r) override {
    sqlite3* w = writer();
    Statement last = stmt(w, "SELECT MAX(rev) FROM revision WHERE kind = ?1 AND id = ?2");
    last.bind(1, r.kind).bind(2, r.id);
    const std::int64_t rev = last.step() && !last.is_null(0) ? last.integer(0) + 1 : 1;
    stmt(w,
         "INSERT INTO revision (kind, id, context, rev, data, sealed, owner, actor, at, salt, "
         "hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
        .insert(r.kind, r.id, r.context, rev, r.data, r.sealed, r.owner, r.actor, r.at, r.salt,
                r.hash);
    const std::int64_t seq = sqlite3_last_insert_rowid(w);
    stmt(w,
         "INSERT INTO head (kind, id, context, first_seq, seq) VALUES (?1, ?2, ?3, ?4, ?4) "
         "ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq")
        .insert(r.kind, r.id, r.context, seq);
  }

  std::optional<ObjectRevision> latest(const std::string& kind, const std::string& id) override {
    Connection c(*this);
    Statement s =
        stmt(c.db, (std::string("SELECT ") + kRevisionColumns +
                    " FROM head h JOIN revision r ON r.seq = h.seq WHERE h.kind = ?1 AND h.id = ?2")
                       .c_str());
    s.bind(1, kind).bind(2, id);
    if (!s.step()) return std::nullopt;
    return read_revision(s);
  }

  std::vector<ObjectRevision> list(const std::string& kind, const std::string& context, long offset,
                                   long limit) override {
    Connection c(*this);
    Statement s = stmt(c.db, (std::string("SELECT ") + kRevisionColumns +
                              " FROM head h JOIN revision r ON r.seq = h.seq WHERE h.kind = ?1 AND "
                              "(?2 = '' OR h.context = ?2) ORDER BY h.first_seq LIMIT ?3 OFFSET ?4")
                                 .c_str());
    s.bind(1, kind)
        .bind(2, context)
        .bind(3, static_cast<std::int64_t>(limit))
        .bind(4, static_cast<std::int64_t>(offset));
    std::vector<ObjectRevision> out;
    while (s.step()) out.push_back(read_revision(s));
    return out;
  }

  long last_seq(const std::string& kind, const std::string& context) override {
    Connection c(*this);
    Statement s =
        stmt(c.db, "SELECT COALESCE(MAX(seq), 0) FROM revision WHERE kind = ?1 AND context = ?2");
    s.bind(1, kind).bind(2, context);
    s.step();
    return static_cast<long>(s.integer(0));
  }

  long context_version(const std::string& context) override {
    Connection c(*this);
    Statement s = stmt(c.db, "SELECT COALESCE(MAX(seq), 0) FROM revision WHERE context = ?1");
    s.bind(1, context);
    s.step();
    return static_cast<long>(s.integer(0));
  }

  long context_version(const std::string& context, const std::vector<std::string>& kinds) override {
    if (kinds.empty()) return 0;
    // One index probe a kind (revision_kind_context), not a scan of the context's revisions.
    std::string sql = "SELECT MAX(0";
    for (std::size_t i = 0; i < kinds.size(); ++i)
      sql += ", COALESCE((SELECT MAX(seq) FROM revision WHERE kind = ?" + std::to_string(i + 2) +
             " AND context = ?1), 0)";
    Connection c(*this);
    Statement s = stmt(c.db, sql + ")");
    s.bind(1, context);
    for (std::size_t i = 0; i < kinds.size(); ++i) s.bind(static_cast<int>(i + 2), kinds[i]);
    s.step();
    return static_cast<long>(s.integer(0));
  }

  long kind_version(const std::string& kind) override {
    Connection c(*this);
    Statement s = stmt(c.db, "SELECT COALESCE(MAX(seq), 0) FROM head WHERE kind = ?1");
    s.bind(1, kind);
    s.step();
    return static_cast<long>(s.integer(0));
  }

  long last_feed_seq() override {
    Connection c(*this);
    Statement s = stmt(c.db, "SELECT COALESCE(MAX(seq), 0) FROM revision");
    s.step();
    return static_cast<long>(s.integer(0));
  }

  long count(const std::string& kind, const std::string& context) override {
    Connection c(*this);
    Statement s =
        stmt(c.db, "SELECT COUNT(*) FROM head WHERE kind = ?1 AND (?2 = '' OR context = ?2)");
    s.bind(1, kind).bind(2, context);
    return s.step() ? static_cast<long>(s.integer(0)) : 0;
  }

  std::vector<ObjectRevision> revisions(const std::string& kind, const std::string& id) override {
    Connection c(*this);
    Statement s = stmt(c.db, (std::string("SELECT ") + kRevisionColumns +
                              " FROM revision r WHERE r.kind = ?1 AND r.id = ?2 ORDER BY r.rev")
                                 .c_str());
    s.bind(1, kind).bind(2, id);
    std::vector<ObjectRevision> out;
    while (s.step()) out.push_back(read_revision(s));
    return out;
  }

  std::vector<ObjectRevision> feed_page(long from, long limit, bool descending) override {
    Connection c(*this);
    Statement s =
        stmt(c.db, (std::string("SELECT ") + kRevisionColumns + " FROM revision r WHERE " +
                    (descending ? "r.seq < ?1" : "r.seq > ?1") + " ORDER BY r.seq" +
                    (descending ? " DESC" : "") + " LIMIT ?2")
                       .c_str());
    s.bind(1, static_cast<std::int64_t>(from)).bind(2, static_cast<std::int64_t>(limit));
    std::vector<ObjectRevision> out;
    while (s.step()) out.push_back(read_revision(s));
    return out;
  }

  void put_user(const UserRecord& u) override {
    sqlite3* w = writer();
    stmt(w,
         "INSERT INTO account (id, name, role, org_id, password_hash) VALUES (?1, ?2, ?3, ?4, "
         "?5) ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, "
         "org_id = excluded.org_id, password_hash = excluded.password_hash")
        .insert(u.id, u.name, u.role, u.org_id, u.password_hash);
  }

  std::optional<UserRecord> user(const std::string& id) override {
    Connection c(*this);
    Statement s =
        stmt(c.db, "SELECT id, name, role, org_id, password_hash FROM account WHERE id = ?1");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return UserRecord{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)};
  }

  long accounts_of(const std::string& role, const std::string& org) override {
    Connection c(*this);
    Statement s = stmt(c.db, "SELECT COUNT(*) FROM account WHERE role = ?1 AND org_id = ?2");
    s.bind(1, role).bind(2, org);
    s.step();
    return static_cast<long>(s.integer(0));
  }

  void put_session(const std::string& token_hash, const std::string& user_id,
                   long long expires_at) override {
    sqlite3* w = writer();
    stmt(w, "INSERT INTO session (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)")
        .insert(token_hash, user_id, static_cast<std::int64_t>(expires_at));
  }

  void put_watchlist(const std::string& user_id, const Watchlist& wl) override {
    sqlite3* w = writer();
    stmt(w,
         "INSERT INTO watchlist (user_id, items, seen_at) VALUES (?1, ?2, ?3) ON CONFLICT "
         "(user_id) DO UPDATE SET items = excluded.items, seen_at = excluded.seen_at")
        .insert(user_id, wl.items, wl.seen_at);
  }

  void put_opening_share(const OpeningShare& o) override {
    sqlite3* w = writer();
    stmt(w,
         "INSERT INTO opening_share (round, account, number, public_key, sealed, share) VALUES "
         "(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (round, account) DO UPDATE SET share = "
         "excluded.share")
        .insert(o.round, o.account, static_cast<std::int64_t>(o.number), o.public_key, o.sealed,
                o.share);
  }

  std::vector<OpeningShare> opening_shares(const std::string& round,
                                           const std::string& account) override {
    Connection c(*this);
    Statement s = stmt(c.db,
                       "SELECT round, account, number, public_key, sealed, share FROM "
                       "opening_share WHERE round = ?1 AND (?2 = '' OR account = ?2) ORDER BY "
                       "number");
    s.bind(1, round);
    s.bind(2, account);
    std::vector<OpeningShare> out;
    while (s.step())
      out.push_back(
          {s.text(0), s.text(1), static_cast<int>(s.integer(2)), s.text(3), s.text(4), s.text(5)});
    return out;
  }

  std::optional<Watchlist> watchlist(const std::string& user_id) override {
    Connection c(*this);
    Statement s = stmt(c.db, "SELECT items, seen_at FROM watchlist WHERE user_id = ?1");
    s.bind(1, user_id);
    if (!s.step()) return std::nullopt;
    return Watchlist{s.text(0), s.text(1)};
  }

  std::optional<UserRecord> session_user(const std::string& token_hash, long long now,
                                         long long* expires_at) override {
    Connection c(*this);
    Statement s = stmt(c.db,
                       "SELECT u.id, u.name, u.role, u.org_id, u.password_hash, s.expires_at FROM "
                       "session s JOIN account u ON u.id = s.user_id WHERE s.token_hash = ?1 AND "
                       "s.expires_at > ?2");
    s.bind(1, token_hash).bind(2, static_cast<std::int64_t>(now));
    if (!s.step()) return std::nullopt;
    if (expires_at) *expires_at = s.integer(5);
    return UserRecord{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)};
  }

  void delete_session(const std::string& token_hash) override {
    stmt(writer(), "DELETE FROM session WHERE token_hash = ?1").insert(token_hash);
  }

  void delete_other_sessions(const std::string& user_id, const std::string& keep) override {
    stmt(writer(), "DELETE FROM session WHERE user_id = ?1 AND token_hash <> ?2")
        .insert(user_id, keep);
  }

  long throttle_add(const std::string& key, long long window) override {
    sqlite3* w = writer();
    stmt(w,
         "INSERT INTO throttle (key, window_start, failures) VALUES (?1, ?2, 1) ON CONFLICT (key, "
         "window_start) DO UPDATE SET failures = failures + 1")
        .insert(key, static_cast<std::int64_t>(window));
    return throttle_count(key, window);
  }

  long throttle_count(const std::string& key, long long window) override {
    Connection c(*this);
    Statement s = stmt(c.db, "SELECT failures FROM throttle WHERE key = ?1 AND window_start = ?2");
    s.bind(1, key).bind(2, static_cast<std::int64_t>(window));
    return s.step() ? static_cast<long>(s.integer(0)) : 0;
  }

  void prune(long long now, long long before, long limit) override {
    sqlite3* w = writer();
    stmt(w,
         "DELETE FROM session WHERE token_hash IN (SELECT token_hash FROM session WHERE "
         "expires_at <= ?1 LIMIT ?2)")
        .insert(static_cast<std::int64_t>(now), static_cast<std::int64_t>(limit));
    stmt(
        w,
        "DELETE FROM throttle WHERE (key, window_start) IN (SELECT key, window_start FROM throttle "
        "WHERE window_start < ?1 LIMIT ?2)")
        .insert(static_cast<std::int64_t>(before), static_cast<std::int64_t>(limit));
  }

  void append_audit(const AuditEntry& e) override {
    sqlite3* w = writer();
    stmt(w,
         "INSERT INTO audit (seq, at, actor, action, records, salt, body_hash, prev_hash, hash) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
        .insert(static_cast<std::int64_t>(e.seq), e.at, e.actor, e.action, records_text(e.records),
                e.salt, e.body_hash, e.prev_hash, e.hash);
  }

  std::optional<AuditEntry> last_audit() override {
    Connection c(*this);
    Statement s = stmt(
        c.db, std::string("SELECT ") + kAuditColumns + " FROM audit ORDER BY seq DESC LIMIT 1");
    if (!s.step()) return std::nullopt;
    return read_audit(s);
  }

  std::vector<AuditEntry> audit(long after, long limit) override {
    Connection c(*this);
    Statement s = stmt(c.db, std::string("SELECT ") + kAuditColumns +
                                 " FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2");
    s.bind(1, static_cast<std::int64_t>(after)).bind(2, static_cast<std::int64_t>(limit));
    std::vector<AuditEntry> out;
    while (s.step()) out.push_back(read_audit(s));
    return out;
  }

  void put_file(const std::string& key, const std::string& content) override {
    sqlite3* w = writer();
    stmt(w, "INSERT INTO file (key, content) VALUES (?1, ?2)").insert(key, content);
  }

  std::optional<std::string> file(const std::string& key) override {
    Connection c(*this);
    Statement s = stmt(c.db, "SELECT content FROM file WHERE key = ?1");
    s.bind(1, key);
    if (!s.step()) return std::nullopt;
    return s.text(0);
  }

  // One server per database file: its own commits are all the changes.
  std::uint64_t changes() const override { return changes_.load(); }

  bool wait_for_changes(std::uint64_t seen, std::chrono::milliseconds most) override {
    std::unique_lock lock(notice_mutex_);
    return notice_cv_.wait_for(lock, most, [&] { return changes_.load() != seen; });
  }

 private:
  // The statement for `sql` on `db`, prepared once per connection (a connection is used by one
  // thread at a time, so its cache needs no lock).
  Statement stmt(sqlite3* db, const std::string& sql) {
    auto& cache = statements_.at(db);
    auto it = cache.find(sql);
    if (it == cache.end()) {
      sqlite3_stmt* s = nullptr;
      if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) !=
          SQLITE_OK)
        throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(db) + " in: " + sql);
      it = cache.emplace(sql, s).first;
    }
    return Statement::borrowed(db, it->second);
  }

  // The writer, for writes inside a transaction.
  sqlite3* writer() const {
    if (!commit_.in_request()) throw std::logic_error("a write outside a transaction");
    return writer_;
  }

  // A connection for reading: the writer inside a transaction (it sees the transaction's own
  // writes), else an idle reader.
  struct Connection {
    SqlitePlatformStore& s;
    sqlite3* db;
    bool leased = false;
    explicit Connection(SqlitePlatformStore& store) : s(store), db(store.writer_) {
      if (s.commit_.in_request()) return;
      std::unique_lock lock(s.readers_mutex_);
      s.reader_free_.wait(lock, [&] { return !s.idle_.empty(); });
      db = s.idle_.back();
      s.idle_.pop_back();
      leased = true;
    }
    ~Connection() {
      if (!leased) return;
      std::lock_guard lock(s.readers_mutex_);
      s.idle_.push_back(db);
      s.reader_free_.notify_one();
    }
  };

  void migrate(const std::string& path) {
    long version = 0;
    {
      Statement v(writer_, "PRAGMA user_version");
      version = v.step() ? static_cast<long>(v.integer(0)) : 0;
    }
    if (version > 0 && version < kFirstVersion)
      throw std::runtime_error("the database " + path +
                               " was made by an earlier version of Procura (schema " +
                               std::to_string(version) +
                               ") whose records this version does not read; start the server "
                               "on a new database file");
    const long n = static_cast<long>(sizeof kMigrations / sizeof *kMigrations);
    for (long i = std::max(0L, version - kFirstVersion); i < n; ++i) {
      sqlite_exec(writer_, "BEGIN IMMEDIATE");
      sqlite_exec(writer_, kMigrations[i]);
      sqlite_exec(writer_,
                  ("PRAGMA user_version=" + std::to_string(kFirstVersion + i + 1)).c_str());
      sqlite_exec(writer_, "COMMIT");
    }
  }

  sqlite3* writer_ = nullptr;
  std::atomic<std::uint64_t> changes_{0};
  std::mutex notice_mutex_;  // wait_for_changes
  std::condition_variable notice_cv_;
  GroupCommit commit_;

  std::vector<sqlite3*> readers_, idle_;
  // Prepared statements by connection; the outer map is fixed after construction.
  std::map<sqlite3*, std::unordered_map<std::string, sqlite3_stmt*>> statements_;
  std::mutex readers_mutex_;
  std::condition_variable reader_free_;
};

}  // namespace

std::unique_ptr<PlatformStore> open_sqlite_platform_store(const std::string& path, int readers) {
  return std::make_unique<SqlitePlatformStore>(path, readers);
}

std::unique_ptr<PlatformStore> open_platform_store(const std::string& location, int connections) {
  if (location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0)
    return open_postgres_platform_store(location, connections);
  return open_sqlite_platform_store(location, connections);
}

}  // namespace procura
