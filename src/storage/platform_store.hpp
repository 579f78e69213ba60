#pragma once
// Storage of the platform server, on SQLite (embedded) or PostgreSQL (several servers on one
// database). Two kinds of storage, chosen per kind of record by the record catalogue
// (src/records/catalogue.hpp):
//  - the revision store, for published documents: never updated in place or deleted; a change is
//    a new revision, and every revision takes the next number of the changes feed;
//  - typed tables of their own for private records: accounts, sessions, the login throttle,
//    watchlists, and the audit chain.
// The store decides nothing about who may read what: the catalogue does, above it.
// Thread safety: every method may be called from any thread; writes only inside transaction().
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "integrity/audit_chain.hpp"

namespace procura {

struct ObjectRevision {
  long seq = 0;         // position in the changes feed
  std::string kind;     // a kind of the catalogue: "round", "product", "bid", ...
  std::string id;       // stable id, unique within the kind
  std::string context;  // the round it belongs to ("" for the platform's own records)
  long rev = 0;         // 1, 2, ... per object
  std::string data;     // the document (JSON text) as its audience reads it
  std::string sealed;   // sealed content (hex), readable only with the round's opening key
  std::string owner;    // "org:<id>" or "user:<id>" that the record belongs to ("" for none)
  std::string actor, at;
  std::string salt;  // random, covered by `hash`, so that the hash reveals nothing of the record
  std::string hash;  // record_hash() of the revision, named by the audit entry that wrote it
};

struct UserRecord {
  std::string id, name, role, org_id, password_hash;
};

// An account's own watchlist: private, never published, replaced as a whole.
struct Watchlist {
  std::string items;    // JSON array of followed items ("round:<id>", "product:<id>", ...)
  std::string seen_at;  // the account's last visit of its watchlist (RFC 3339, "" for never)
};

// A keyholder's share of a round's opening key: sealed to the keyholder's key, and the share
// itself once the keyholder hands it back (then "" no longer). Private: read by the opening only.
struct OpeningShare {
  std::string round, account;
  int number = 0;
  std::string public_key;  // the keyholder key it is sealed to
  std::string sealed;      // the sealed share (hex)
  std::string share;       // the share handed back (hex), "" until then
};

class PlatformStore {
 public:
  virtual ~PlatformStore() = default;
  // Runs `f` as one transaction: every write inside it is kept, or none (f threw). Returns only
  // once the transaction is durable; throws when it could not be committed.
  virtual void transaction(const std::function<void()>& f) = 0;
  // Whether this thread is inside a transaction (its reads see its own writes).
  virtual bool in_transaction() const = 0;

  // --- the revision store --------------------------------------------------------------------
  // Appends a revision of (kind, id), numbered by the store (the seq and rev of `r` are not
  // read). Inside a transaction a failure may be reported by a later call of the same request,
  // at the latest when the request ends; the request is then rolled back.
  virtual void put(const ObjectRevision& r) = 0;
  virtual std::optional<ObjectRevision> latest(const std::string& kind, const std::string& id) = 0;
  // Latest revisions of a kind in a context ("" = every context), in order of creation.
  virtual std::vector<ObjectRevision> list(const std::string& kind, const std::string& context,
                                           long offset, long limit) = 0;
  virtual long count(const std::string& kind, const std::string& context) = 0;
  // The feed number of the newest revision of a kind in a context (0 for none): it grows with
  // every change of that table, so it versions what is read from it.
  virtual long last_seq(const std::string& kind, const std::string& context) = 0;
  // The feed number of the newest revision of any kind in a context (0 for none).
  virtual long context_version(const std::string& context) = 0;
  // The feed number of the newest revision of any of `kinds` in a context (0 for none): the
  // version of what a reader who reads those kinds' histories sees of the context.
  virtual long context_version(const std::string& context,
                               const std::vector<std::string>& kinds) = 0;
  // The feed number of the newest revision of a kind in any context (0 for none).
  virtual long kind_version(const std::string& kind) = 0;
  virtual std::vector<ObjectRevision> revisions(const std::string& kind, const std::string& id) = 0;
  // Revisions with seq > after, in feed order.
  std::vector<ObjectRevision> feed(long after, long limit) {
    return feed_page(after, limit, false);
  }
  // A page of the feed: seq > `from` in feed order, or with `descending` seq < `from` newest
  // first.
  virtual std::vector<ObjectRevision> feed_page(long from, long limit, bool descending) = 0;
  // The feed number of the newest revision (0 for none).
  virtual long last_feed_seq() = 0;

  // --- accounts and sessions -----------------------------------------------------------------
  virtual void put_user(const UserRecord& u) = 0;
  virtual std::optional<UserRecord> user(const std::string& id) = 0;
  // How many accounts of `role` the organisation `org` has.
  virtual long accounts_of(const std::string& role, const std::string& org) = 0;
  virtual void put_session(const std::string& token_hash, const std::string& user_id,
                           long long expires_at) = 0;
  // The account of a session that has not expired at `now` (seconds since the epoch), and when
  // it expires (into `expires_at`, when given).
  virtual std::optional<UserRecord> session_user(const std::string& token_hash, long long now,
                                                 long long* expires_at = nullptr) = 0;
  virtual void delete_session(const std::string& token_hash) = 0;
  // Ends every session of the account but the one whose hash is `keep` (a changed password).
  virtual void delete_other_sessions(const std::string& user_id, const std::string& keep) = 0;

  virtual void put_watchlist(const std::string& user_id, const Watchlist& w) = 0;
  virtual std::optional<Watchlist> watchlist(const std::string& user_id) = 0;

  // --- opening shares ------------------------------------------------------------------------
  // Stores a share (inserted, or replaced when handed back).
  virtual void put_opening_share(const OpeningShare& s) = 0;
  // The shares of a round, by number: every one, or the one of `account`.
  virtual std::vector<OpeningShare> opening_shares(const std::string& round,
                                                   const std::string& account = "") = 0;
  std::optional<OpeningShare> opening_share(const std::string& round, const std::string& account) {
    auto one = opening_shares(round, account);
    if (one.empty()) return std::nullopt;
    return one.front();
  }

  // --- the login throttle: failures counted per key in windows, shared by servers ------------
  // Adds a failure to `key`'s window starting at `window`; returns the window's failures.
  virtual long throttle_add(const std::string& key, long long window) = 0;
  virtual long throttle_count(const std::string& key, long long window) = 0;
  // Forgets what no longer counts at `now`: expired sessions and throttle windows that ended
  // before `before` (at most `limit` rows of each per call, so that a call stays short).
  virtual void prune(long long now, long long before, long limit) = 0;

  // --- the audit chain -----------------------------------------------------------------------
  virtual void append_audit(const AuditEntry& e) = 0;
  virtual std::optional<AuditEntry> last_audit() = 0;
  virtual std::vector<AuditEntry> audit(long after, long limit) = 0;

  // Files kept with a round (results, OCDS package): written once, never replaced.
  virtual void put_file(const std::string& key, const std::string& content) = 0;
  virtual std::optional<std::string> file(const std::string& key) = 0;

  // A number that grows with every committed transaction: at once for this server's own (before
  // the request returns), and for a database shared with other servers when their commit's
  // notice arrives (milliseconds). An answer computed from reads made while it had a value
  // needs no new read while it keeps that value.
  virtual std::uint64_t changes() const = 0;
  // Blocks until changes() differs from `seen`, at most `most`; returns whether it does. For
  // whoever waits for a commit, this server's or another's, to be noticed (tools, tests).
  virtual bool wait_for_changes(std::uint64_t seen, std::chrono::milliseconds most) = 0;
};

// SQLite: one file, WAL, synchronous=FULL (an acknowledged write survives a crash); one writer
// with group commit and `readers` reader connections. Throws naming the file when it cannot be
// opened or was made by an earlier, incompatible version of Procura.
std::unique_ptr<PlatformStore> open_sqlite_platform_store(const std::string& path, int readers = 4);
// PostgreSQL: a connection URL (postgresql://user@host:port/db) and a pool of connections.
// Several servers may share one database.
std::unique_ptr<PlatformStore> open_postgres_platform_store(const std::string& url,
                                                            int connections);
// PostgreSQL for a postgres:// or postgresql:// URL, else SQLite at that path.
std::unique_ptr<PlatformStore> open_platform_store(const std::string& location, int connections);

}  // namespace procura
