// The platform store on PostgreSQL (libpq): a pool of connections for reads and one writer
// connection for write transactions, which hold an advisory lock, so that any number of servers
// can share one database and the feed and the audit chain stay in commit order. The writer runs
// in pipeline mode: statements nobody waits for (savepoints, audit entries) travel with the next
// statement that is waited for, so that a bid costs three round trips.
#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "storage/group_commit.hpp"
#include "storage/pg_pipeline.hpp"
#include "storage/platform_store.hpp"

namespace procura {

namespace {

using pg::at;
using pg::num;
using pg::Pipeline;
using pg::Prepared;
using pg::Result;
using pg::run;

// The schema of this record layer. Versions start at 100: databases of the earlier layout
// (versions 1-4) are refused by name rather than read wrongly.
constexpr long kFirstVersion = 100;
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE revision (seq BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, id TEXT NOT NULL,
  context TEXT NOT NULL, rev BIGINT NOT NULL, data TEXT NOT NULL, sealed TEXT NOT NULL,
  owner TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, salt TEXT NOT NULL,
  hash TEXT NOT NULL, UNIQUE (kind, id, rev));
CREATE INDEX revision_kind_context ON revision(kind, context, seq);
CREATE INDEX revision_context ON revision(context, seq);
CREATE TABLE head (kind TEXT NOT NULL, id TEXT NOT NULL, context TEXT NOT NULL,
  first_seq BIGINT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (kind, id));
CREATE INDEX head_context ON head(kind, context, first_seq);
CREATE TABLE account (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
  org_id TEXT NOT NULL, password_hash TEXT NOT NULL);
CREATE TABLE session (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES account(id),
  expires_at BIGINT NOT NULL);
CREATE INDEX session_expiry ON session(expires_at);
CREATE TABLE throttle (key TEXT NOT NULL, window_start BIGINT NOT NULL, failures BIGINT NOT NULL,
  PRIMARY KEY (key, window_start));
CREATE INDEX throttle_window ON throttle(window_start);
CREATE TABLE watchlist (user_id TEXT PRIMARY KEY REFERENCES account(id), items TEXT NOT NULL,
  seen_at TEXT NOT NULL);
CREATE TABLE audit (seq BIGINT PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
  action TEXT NOT NULL, records TEXT NOT NULL, salt TEXT NOT NULL, body_hash TEXT NOT NULL,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE file (key TEXT PRIMARY KEY, content TEXT NOT NULL);
)sql",
    R"sql(
CREATE TABLE opening_share (round TEXT NOT NULL, account TEXT NOT NULL, number INTEGER NOT NULL,
  public_key TEXT NOT NULL, sealed TEXT NOT NULL, share TEXT NOT NULL,
  PRIMARY KEY (round, account));
)sql"};

constexpr long long kWriteLock = 0x70726f637572;  // advisory lock taken by every write transaction
constexpr const char* kChannel = "procura_changes";  // notified by every write transaction

const char* const kRevisionColumns =
    "r.seq, r.kind, r.id, r.context, r.rev, r.data, r.sealed, r.owner, r.actor, r.at, r.salt, "
    "r.hash";
const char* const kAuditColumns =
    "seq, at, actor, action, records, salt, body_hash, prev_hash, hash";

std::vector<ObjectRevision> revisions_of(const Result& r) {
  std::vector<ObjectRevision> out;
  for (int i = 0; i < PQntuples(r.get()); ++i)
    out.push_back({num(r, i, 0), at(r, i, 1), at(r, i, 2), at(r, i, 3), num(r, i, 4), at(r, i, 5),
                   at(r, i, 6), at(r, i, 7), at(r, i, 8), at(r, i, 9), at(r, i, 10), at(r, i, 11)});
  return out;
}

std::vector<AuditEntry> audits_of(const Result& r) {
  std::vector<AuditEntry> out;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    AuditEntry e;
    e.seq = num(r, i, 0);
    e.at = at(r, i, 1);
    e.actor = at(r, i, 2);
    e.action = at(r, i, 3);
    e.records = records_from_text(at(r, i, 4));
    e.salt = at(r, i, 5);
    e.body_hash = at(r, i, 6);
    e.prev_hash = at(r, i, 7);
    e.hash = at(r, i, 8);
    out.push_back(std::move(e));
  }
  return out;
}

class PgPlatformStore : public PlatformStore {
 public:
  PgPlatformStore(const std::string& url, int connections)
      : commit_({[this] {
                   writer().queue("BEGIN");
                   writer().queue("SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLock) +
                                  ")");
                   forget_batch();
                 },
                 [this] { writer().queue("SAVEPOINT request"); },
                 [this] {
                   forget_batch();  // what the request wrote or read is gone with it
                   writer().recover();
                   writer().queue("ROLLBACK TO SAVEPOINT request");
                   writer().exec("RELEASE SAVEPOINT request");
                 },
                 [this] { writer().exec("RELEASE SAVEPOINT request"); },
                 [this] {
                   writer().queue("NOTIFY " + std::string(kChannel));  // to the other servers
                   writer().exec("COMMIT");
                   ++changes_;
                   noticed();
                 },
                 [this] {
                   writer().recover();
                   try {
                     writer().exec("ROLLBACK");
                   } catch (const std::exception&) {
                     writer().recover();  // a lost connection is reopened; its work is gone
                   }
                 }}) {
    for (int i = 0; i < std::max(connections, 2); ++i) {
      PGconn* c = PQconnectdb(url.c_str());
      if (PQstatus(c) != CONNECTION_OK) {
        std::string why = PQerrorMessage(c);
        PQfinish(c);
        throw std::runtime_error("cannot connect to PostgreSQL: " + why);
      }
      idle_.push_back(c);
      all_.push_back(c);
    }
    for (PGconn* c : all_) prepared_[c];  // fixed from here on; each entry used by its holder
    migrate();
    writer_ = idle_.back();  // kept for write transactions, out of the pool
    idle_.pop_back();
    pipeline_.emplace(writer_);
    listener_ = std::jthread([this, url](std::stop_token stop) { listen(url, stop); });
    // Opened once it hears the other servers' commits (or after 10 s without: then nothing is
    // kept, as while the listening connection is down).
    std::unique_lock lock(notice_mutex_);
    notice_cv_.wait_for(lock, std::chrono::seconds(10), [&] { return listening_.load(); });
  }
  ~PgPlatformStore() override {
    if (listener_.joinable()) {
      listener_.request_stop();
      listener_.join();
    }
    for (PGconn* c : all_) PQfinish(c);
  }

  // Write transactions of this server share the writer connection with group commit; each
  // batch holds the advisory write lock.
  void transaction(const std::function<void()>& f) override { commit_.run(f); }
  bool in_transaction() const override { return commit_.in_request(); }

  void put(const ObjectRevision& o) override {
    if (commit_.in_request()) batch_latest_.erase(key(o.kind, o.id));  // read again after it
    Lease l(*this);
    // One statement: the next revision number, the revision, and the head. On the writer it is
    // queued: a later read of the request sees it (the pipeline keeps the order).
    exec_later(l.c,
               "WITH r AS (INSERT INTO revision (kind, id, context, rev, data, sealed, owner, "
               "actor, at, salt, hash) VALUES ($1, $2, $3, (SELECT COALESCE(MAX(rev), 0) + 1 "
               "FROM revision WHERE kind = $1 AND id = $2), $4, $5, $6, $7, $8, $9, $10) "
               "RETURNING seq, rev), "
               "h AS (INSERT INTO head (kind, id, context, first_seq, seq) SELECT $1, $2, $3, "
               "seq, seq FROM r ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq) "
               "SELECT seq, rev FROM r",
               {o.kind, o.id, o.context, o.data, o.sealed, o.owner, o.actor, o.at, o.salt, o.hash});
  }

  std::optional<ObjectRevision> latest(const std::string& kind, const std::string& id) override {
    // Inside a batch the advisory lock keeps other writers out: what the batch read or wrote
    // stays the latest until it ends.
    const bool batched = commit_.in_request();
    if (batched)
      if (auto it = batch_latest_.find(key(kind, id)); it != batch_latest_.end()) return it->second;
    Lease l(*this);
    auto r =
        exec(l.c,
             std::string("SELECT ") + kRevisionColumns +
                 " FROM head h JOIN revision r ON r.seq = h.seq WHERE h.kind = $1 AND h.id = $2",
             {kind, id});
    auto v = revisions_of(r);
    std::optional<ObjectRevision> out;
    if (!v.empty()) out = std::move(v.front());
    if (batched) batch_latest_[key(kind, id)] = out;
    return out;
  }

  std::vector<ObjectRevision> list(const std::string& kind, const std::string& context, long offset,
                                   long limit) override {
    Lease l(*this);
    return revisions_of(exec(l.c,
                             std::string("SELECT ") + kRevisionColumns +
                                 " FROM head h JOIN revision r ON r.seq = h.seq WHERE h.kind = $1 "
                                 "AND ($2 = '' OR h.context = $2) ORDER BY h.first_seq LIMIT $3 "
                                 "OFFSET $4",
                             {kind, context, std::to_string(limit), std::to_string(offset)}));
  }

  long last_seq(const std::string& kind, const std::string& context) override {
    Lease l(*this);
    auto r =
        exec(l.c, "SELECT COALESCE(MAX(seq), 0) FROM revision WHERE kind = $1 AND context = $2",
             {kind, context});
    return static_cast<long>(num(r, 0, 0));
  }

  long context_version(const std::string& context) override {
    Lease l(*this);
    auto r = exec(l.c, "SELECT COALESCE(MAX(seq), 0) FROM revision WHERE context = $1", {context});
    return static_cast<long>(num(r, 0, 0));
  }

  long context_version(const std::string& context, const std::vector<std::string>& kinds) override {
    if (kinds.empty()) return 0;
    // One index probe a kind (revision_kind_context), not a scan of the context's revisions.
    std::string sql = "SELECT GREATEST(0";
    std::vector<std::string> params{context};
    for (const auto& k : kinds) {
      params.push_back(k);
      sql += ", (SELECT MAX(seq) FROM revision WHERE kind = $" + std::to_string(params.size()) +
             " AND context = $1)";
    }
    Lease l(*this);
    auto r = exec(l.c, sql + ")", params);
    return static_cast<long>(num(r, 0, 0));
  }

  long kind_version(const std::string& kind) override {
    Lease l(*this);
    auto r = exec(l.c, "SELECT COALESCE(MAX(seq), 0) FROM head WHERE kind = $1", {kind});
    return static_cast<long>(num(r, 0, 0));
  }

  long last_feed_seq() override {
    Lease l(*this);
    auto r = exec(l.c, "SELECT COALESCE(MAX(seq), 0) FROM revision");
    return static_cast<long>(num(r, 0, 0));
  }

  long count(const std::string& kind, const std::string& context) override {
    Lease l(*this);
    auto r = exec(l.c, "SELECT COUNT(*) FROM head WHERE kind = $1 AND ($2 = '' OR context = $2)",
                  {kind, context});
    return static_cast<long>(num(r, 0, 0));
  }

  std::vector<ObjectRevision> revisions(const std::string& kind, const std::string& id) override {
    Lease l(*this);
    return revisions_of(exec(l.c,
                             std::string("SELECT ") + kRevisionColumns +
                                 " FROM revision r WHERE r.kind = $1 AND r.id = $2 ORDER BY r.rev",
                             {kind, id}));
  }

  std::vector<ObjectRevision> feed_page(long from, long limit, bool descending) override {
    Lease l(*this);
    return revisions_of(exec(l.c,
                             std::string("SELECT ") + kRevisionColumns + " FROM revision r WHERE " +
                                 (descending ? "r.seq < $1" : "r.seq > $1") + " ORDER BY r.seq" +
                                 (descending ? " DESC" : "") + " LIMIT $2",
                             {std::to_string(from), std::to_string(limit)}));
  }

  void put_user(const UserRecord& u) override {
    Lease l(*this);
    exec(l.c,
         "INSERT INTO account (id, name, role, org_id, password_hash) VALUES ($1, $2, $3, $4, $5) "
         "ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, "
         "org_id = excluded.org_id, password_hash = excluded.password_hash",
         {u.id, u.name, u.role, u.org_id, u.password_hash});
  }

  std::optional<UserRecord> user(const std::string& id) override {
    Lease l(*this);
    auto r =
        exec(l.c, "SELECT id, name, role, org_id, password_hash FROM account WHERE id = $1", {id});
    if (PQntuples(r.get()) == 0) return std::nullopt;
    return UserRecord{at(r, 0, 0), at(r, 0, 1), at(r, 0, 2), at(r, 0, 3), at(r, 0, 4)};
  }

  long accounts_of(const std::string& role, const std::string& org) override {
    Lease l(*this);
    auto r = exec(l.c, "SELECT COUNT(*) FROM account WHERE role = $1 AND org_id = $2", {role, org});
    return static_cast<long>(num(r, 0, 0));
  }

  void put_session(const std::string& token_hash, const std::string& user_id,
                   long long expires_at) override {
    Lease l(*this);
    exec(l.c, "INSERT INTO session (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
         {token_hash, user_id, std::to_string(expires_at)});
  }

  void put_watchlist(const std::string& user_id, const Watchlist& w) override {
    Lease l(*this);
    exec_later(l.c,
               "INSERT INTO watchlist (user_id, items, seen_at) VALUES ($1, $2, $3) ON CONFLICT "
               "(user_id) DO UPDATE SET items = excluded.items, seen_at = excluded.seen_at",
               {user_id, w.items, w.seen_at});
  }

  void put_opening_share(const OpeningShare& o) override {
    Lease l(*this);
    exec_later(l.c,
               "INSERT INTO opening_share (round, account, number, public_key, sealed, share) "
               "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (round, account) DO UPDATE SET "
               "share = excluded.share",
               {o.round, o.account, std::to_string(o.number), o.public_key, o.sealed, o.share});
  }

  std::vector<OpeningShare> opening_shares(const std::string& round,
                                           const std::string& account) override {
    Lease l(*this);
    auto r = exec(l.c,
                  "SELECT round, account, number, public_key, sealed, share FROM opening_share "
                  "WHERE round = $1 AND ($2 = '' OR account = $2) ORDER BY number",
                  {round, account});
    std::vector<OpeningShare> out;
    for (int i = 0; i < PQntuples(r.get()); ++i)
      out.push_back({at(r, i, 0), at(r, i, 1), static_cast<int>(num(r, i, 2)), at(r, i, 3),
                     at(r, i, 4), at(r, i, 5)});
    return out;
  }

  std::optional<Watchlist> watchlist(const std::string& user_id) override {
    Lease l(*this);
    auto r = exec(l.c, "SELECT items, seen_at FROM watchlist WHERE user_id = $1", {user_id});
    if (PQntuples(r.get()) == 0) return std::nullopt;
    return Watchlist{at(r, 0, 0), at(r, 0, 1)};
  }

  std::optional<UserRecord> session_user(const std::string& token_hash, long long now,
                                         long long* expires_at) override {
    Lease l(*this);
    auto r = exec(l.c,
                  "SELECT a.id, a.name, a.role, a.org_id, a.password_hash, s.expires_at FROM "
                  "session s JOIN account a ON a.id = s.user_id WHERE s.token_hash = $1 AND "
                  "s.expires_at > $2",
                  {token_hash, std::to_string(now)});
    if (PQntuples(r.get()) == 0) return std::nullopt;
    if (expires_at) *expires_at = num(r, 0, 5);
    return UserRecord{at(r, 0, 0), at(r, 0, 1), at(r, 0, 2), at(r, 0, 3), at(r, 0, 4)};
  }

  void delete_session(const std::string& token_hash) override {
    Lease l(*this);
    exec_later(l.c, "DELETE FROM session WHERE token_hash = $1", {token_hash});
  }

  void delete_other_sessions(const std::string& user_id, const std::string& keep) override {
    Lease l(*this);
    exec_later(l.c, "DELETE FROM session WHERE user_id = $1 AND token_hash <> $2", {user_id, keep});
  }

  long throttle_add(const std::string& key, long long window) override {
    Lease l(*this);
    auto r = exec(l.c,
                  "INSERT INTO throttle (key, window_start, failures) VALUES ($1, $2, 1) ON "
                  "CONFLICT (key, window_start) DO UPDATE SET failures = throttle.failures + 1 "
                  "RETURNING failures",
                  {key, std::to_string(window)});
    return static_cast<long>(num(r, 0, 0));
  }

  long throttle_count(const std::string& key, long long window) override {
    Lease l(*this);
    auto r = exec(l.c, "SELECT failures FROM throttle WHERE key = $1 AND window_start = $2",
                  {key, std::to_string(window)});
    return PQntuples(r.get()) ? static_cast<long>(num(r, 0, 0)) : 0;
  }

  void prune(long long now, long long before, long limit) override {
    Lease l(*this);
    exec_later(l.c,
               "DELETE FROM session WHERE ctid IN (SELECT ctid FROM session WHERE expires_at <= "
               "$1 LIMIT $2)",
               {std::to_string(now), std::to_string(limit)});
    exec_later(l.c,
               "DELETE FROM throttle WHERE ctid IN (SELECT ctid FROM throttle WHERE window_start "
               "< $1 LIMIT $2)",
               {std::to_string(before), std::to_string(limit)});
  }

  void append_audit(const AuditEntry& e) override {
    if (commit_.in_request()) batch_audit_ = e;  // the head for the rest of the batch
    Lease l(*this);
    exec_later(l.c,
               "INSERT INTO audit (seq, at, actor, action, records, salt, body_hash, prev_hash, "
               "hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
               {std::to_string(e.seq), e.at, e.actor, e.action, records_text(e.records), e.salt,
                e.body_hash, e.prev_hash, e.hash});
  }

  std::optional<AuditEntry> last_audit() override {
    // Inside a batch the advisory lock keeps other servers out: the head read once stays valid.
    if (commit_.in_request() && batch_audit_) return batch_audit_;
    Lease l(*this);
    auto v = audits_of(exec(
        l.c, std::string("SELECT ") + kAuditColumns + " FROM audit ORDER BY seq DESC LIMIT 1"));
    if (v.empty()) return std::nullopt;
    if (commit_.in_request()) batch_audit_ = v.front();
    return v.front();
  }

  std::vector<AuditEntry> audit(long after, long limit) override {
    Lease l(*this);
    return audits_of(exec(
        l.c,
        std::string("SELECT ") + kAuditColumns + " FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2",
        {std::to_string(after), std::to_string(limit)}));
  }

  void put_file(const std::string& key, const std::string& content) override {
    Lease l(*this);
    exec(l.c, "INSERT INTO file (key, content) VALUES ($1, $2)", {key, content});
  }

  std::optional<std::string> file(const std::string& key) override {
    Lease l(*this);
    auto r = exec(l.c, "SELECT content FROM file WHERE key = $1", {key});
    if (PQntuples(r.get()) == 0) return std::nullopt;
    return at(r, 0, 0);
  }

  // While the notices are not heard, every call is a change: nothing is kept on trust.
  std::uint64_t changes() const override { return listening_ ? changes_.load() : ++changes_; }

  bool wait_for_changes(std::uint64_t seen, std::chrono::milliseconds most) override {
    std::unique_lock lock(notice_mutex_);
    return notice_cv_.wait_for(lock, most, [&] { return changes() != seen; });
  }

 private:
  // `run` with the connection's prepared statements (the writer's through its pipeline).
  Result exec(PGconn* c, const std::string& sql, const std::vector<std::string>& params = {}) {
    if (c == writer_) return writer().exec(sql, params);
    return run(c, sql, params, &prepared_.at(c));
  }
  // `exec` for a statement whose result nobody reads: on the writer it is only queued (checked
  // by the request's next read or, at the latest, by the release of its savepoint).
  void exec_later(PGconn* c, const std::string& sql, const std::vector<std::string>& params) {
    if (c == writer_) return writer().queue(sql, params);
    run(c, sql, params, &prepared_.at(c));
  }

  Pipeline& writer() { return *pipeline_; }
  static std::string key(const std::string& kind, const std::string& id) {
    return kind + '\0' + id;
  }
  void forget_batch() {
    batch_audit_.reset();
    batch_latest_.clear();
  }

  // The connection of this thread's open transaction, if any.
  static PGconn*& current() {
    thread_local PGconn* c = nullptr;
    return c;
  }

  // A connection for one call: the thread's transaction connection, else one from the pool.
  struct Lease {
    PgPlatformStore& s;
    PGconn* c;
    bool owned = false;
    explicit Lease(PgPlatformStore& store)
        : s(store), c(store.commit_.in_request() ? store.writer_ : current()) {
      if (c) return;
      std::unique_lock lock(s.mutex_);
      s.available_.wait(lock, [&] { return !s.idle_.empty(); });
      c = s.idle_.back();
      s.idle_.pop_back();
      owned = true;
      current() = c;
    }
    ~Lease() {
      if (!owned) return;
      current() = nullptr;
      if (PQstatus(c) != CONNECTION_OK) {  // a lost connection is reopened for the next
        PQreset(c);
        s.prepared_.at(c).clear();
      }
      std::lock_guard lock(s.mutex_);
      s.idle_.push_back(c);
      s.available_.notify_one();
    }
  };

  // Counts the commits of every server on the database (their notices on kChannel), on a
  // connection of its own.
  void listen(const std::string& url, const std::stop_token& stop) {
    while (!stop.stop_requested()) {
      PGconn* c = PQconnectdb(url.c_str());
      Result r(PQstatus(c) == CONNECTION_OK ? PQexec(c, ("LISTEN " + std::string(kChannel)).c_str())
                                            : nullptr);
      listening_ = r && PQresultStatus(r.get()) == PGRES_COMMAND_OK;
      ++changes_;  // notices may have been missed until now
      noticed();
      while (listening_ && !stop.stop_requested() && PQstatus(c) == CONNECTION_OK) {
        pollfd p{PQsocket(c), POLLIN, 0};
        if (poll(&p, 1, 200) < 0 || !PQconsumeInput(c)) break;
        bool noticed = false;
        while (PGnotify* n = PQnotifies(c)) {
          noticed = true;
          PQfreemem(n);
        }
        if (noticed) {
          ++changes_;
          this->noticed();
        }
      }
      listening_ = false;
      PQfinish(c);
      if (!stop.stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  void migrate() {
    Lease l(*this);
    exec(l.c, "BEGIN");
    exec(l.c, "SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLock) + ")");
    exec(l.c, "CREATE TABLE IF NOT EXISTS procura_schema (version INTEGER NOT NULL)");
    auto v = exec(l.c, "SELECT COALESCE(MAX(version), 0) FROM procura_schema");
    const long version = static_cast<long>(num(v, 0, 0));
    if (version > 0 && version < kFirstVersion) {
      exec(l.c, "ROLLBACK");
      throw std::runtime_error("the database was made by an earlier version of Procura (schema " +
                               std::to_string(version) +
                               ") whose records this version does not read; start the server "
                               "on a new database");
    }
    const long n = static_cast<long>(sizeof kMigrations / sizeof *kMigrations);
    for (long i = std::max(0L, version - kFirstVersion); i < n; ++i) {
      exec(l.c, kMigrations[i]);
      exec(l.c, "INSERT INTO procura_schema (version) VALUES ($1)",
           {std::to_string(kFirstVersion + i + 1)});
    }
    exec(l.c, "COMMIT");
  }

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<PGconn*> idle_, all_;

  PGconn* writer_ = nullptr;
  std::unordered_map<PGconn*, Prepared> prepared_;
  mutable std::atomic<std::uint64_t> changes_{0};
  // Wakes whoever waits for changes_ (wait_for_changes) or for the listener (the constructor).
  std::mutex notice_mutex_;
  std::condition_variable notice_cv_;
  void noticed() {
    { std::lock_guard lock(notice_mutex_); }
    notice_cv_.notify_all();
  }
  std::atomic<bool> listening_{false};
  std::jthread listener_;                  // counts other servers' commits into changes_
  std::optional<Pipeline> pipeline_;       // the writer's
  std::optional<AuditEntry> batch_audit_;  // the audit head within the open batch
  std::unordered_map<std::string, std::optional<ObjectRevision>> batch_latest_;  // within it
  GroupCommit commit_;
};

}  // namespace

std::unique_ptr<PlatformStore> open_postgres_platform_store(const std::string& url,
                                                            int connections) {
  return std::make_unique<PgPlatformStore>(url, connections);
}

}  // namespace procura
