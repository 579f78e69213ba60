#pragma once
// The tamper-evident audit log. Every state-changing request appends one entry naming who did
// what and the hash of every record it stored (src/records/record_hash.hpp), so that changing a
// stored record, or any entry, breaks the chain. Each entry's hash covers the previous entry's
// hash; the head (last sequence number and hash) is signed with Ed25519 and published.
//
// An entry's body (actor, action, records) is covered through its body hash, taken with a random
// salt: an entry shown to a reader who may not yet see its records (a bid before the opening)
// is shown without its body, and still verifies in the chain; nothing of a request's content
// (a password, a price) is hashed into the log.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace procura {

struct AuditRecord {
  std::string kind, id, context, hash;  // a stored revision and its record hash
};

struct AuditEntry {
  long seq = 0;                      // 1, 2, 3, ...
  std::string at;                    // UTC, RFC 3339
  std::string actor;                 // account id, or "public"
  std::string action;                // "POST /api/rounds/{id}/bids" (the route, not the query)
  std::vector<AuditRecord> records;  // what the request stored in the revision store
  std::string salt;                  // random hex, covered by body_hash
  std::string body_hash;             // audit_body_hash() of the fields above
  std::string prev_hash;             // the previous entry's hash; 64 zeros for the first
  std::string hash;                  // BLAKE2b-256 over seq, at, body_hash and prev_hash
  bool withheld = false;             // read without its body (actor, action, records, salt)
};

// The hash of the body of `e` (actor, action, records, salt).
std::string audit_body_hash(const AuditEntry& e);
// The hash of `e` from its seq, at, body hash and previous hash (its own `hash` is not read).
std::string audit_entry_hash(const AuditEntry& e);
// The next entry after `last` (nullptr for the first), with a fresh salt and its hashes.
AuditEntry next_audit_entry(const AuditEntry* last, std::string at, std::string actor,
                            std::string action, std::vector<AuditRecord> records);
// The text a head signature covers: "procura-audit-head-v2|<seq>|<hash>".
std::string audit_head_text(long seq, const std::string& hash);

struct ChainCheck {
  bool ok = true;
  long first_broken = 0;  // sequence number of the first bad entry (0 when ok)
  std::string reason;
};
// Checks that the entries start at `first_seq` linking to `first_prev` (entry 1 and 64 zeros for
// a whole log), then sequence numbers, links, body hashes (of entries not withheld) and hashes in
// order; the first failure is reported.
ChainCheck verify_audit_chain(const std::vector<AuditEntry>& entries, long first_seq = 1,
                              const std::string& first_prev = std::string(64, '0'));

// JSON of an entry as exported; a withheld entry carries no actor, action, records or salt.
nlohmann::json to_json(const AuditEntry& e);
// Throws std::invalid_argument naming the missing or mistyped field.
AuditEntry audit_entry_from_json(const nlohmann::json& j);
// The records of an entry as stored (JSON text) and back.
std::string records_text(const std::vector<AuditRecord>& records);
std::vector<AuditRecord> records_from_text(const std::string& text);

}  // namespace procura
