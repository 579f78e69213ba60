#pragma once
// The tamper-evident audit log: every state-changing request appends an entry whose hash covers
// the previous entry's hash, so that changing, removing or reordering any entry breaks every hash
// after it. The head (last sequence number and hash) is signed with Ed25519 and published.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace procura {

struct AuditEntry {
  long seq = 0;           // 1, 2, 3, ...
  std::string at;         // UTC, RFC 3339
  std::string actor;      // user id, or "public"
  std::string action;     // "POST /api/rounds/r1/bids"
  std::string body_hash;  // BLAKE2b-256 of the request body (hex)
  std::string prev_hash;  // the previous entry's hash; 64 zeros for the first
  std::string hash;       // BLAKE2b-256 of the canonical text of every field above
};

// The hash of `e` from its fields (its own `hash` is not read).
std::string audit_entry_hash(const AuditEntry& e);
// The next entry after `last` (nullptr for the first), with its hash filled in.
AuditEntry next_audit_entry(const AuditEntry* last, std::string at, std::string actor,
                            std::string action, const std::string& body);
// The text a head signature covers: "procura-audit-head-v1|<seq>|<hash>".
std::string audit_head_text(long seq, const std::string& hash);

struct ChainCheck {
  bool ok = true;
  long first_broken = 0;  // sequence number of the first bad entry (0 when ok)
  std::string reason;
};
// Checks sequence numbers, links and hashes in order; the first failure is reported.
ChainCheck verify_audit_chain(const std::vector<AuditEntry>& entries);

nlohmann::json to_json(const AuditEntry& e);
// Throws std::invalid_argument naming the missing or mistyped field.
AuditEntry audit_entry_from_json(const nlohmann::json& j);

}  // namespace procura
