#include "integrity/audit_chain.hpp"

#include <stdexcept>

#include "tender/commitment.hpp"

namespace procura {

namespace {
const std::string kGenesis(64, '0');
}

std::string audit_entry_hash(const AuditEntry& e) {
  return blake2b_hex("procura-audit-v1|" + std::to_string(e.seq) + "|" + e.at + "|" + e.actor +
                     "|" + e.action + "|" + e.body_hash + "|" + e.prev_hash);
}

AuditEntry next_audit_entry(const AuditEntry* last, std::string at, std::string actor,
                            std::string action, const std::string& body) {
  AuditEntry e;
  e.seq = last ? last->seq + 1 : 1;
  e.at = std::move(at);
  e.actor = std::move(actor);
  e.action = std::move(action);
  e.body_hash = blake2b_hex(body);
  e.prev_hash = last ? last->hash : kGenesis;
  e.hash = audit_entry_hash(e);
  return e;
}

std::string audit_head_text(long seq, const std::string& hash) {
  return "procura-audit-head-v1|" + std::to_string(seq) + "|" + hash;
}

ChainCheck verify_audit_chain(const std::vector<AuditEntry>& entries) {
  std::string prev = kGenesis;
  long expected = entries.empty() ? 0 : entries.front().seq;
  for (const auto& e : entries) {
    auto broken = [&](std::string why) { return ChainCheck{false, e.seq, std::move(why)}; };
    if (e.seq != expected)
      return broken("sequence number " + std::to_string(e.seq) + ", expected " +
                    std::to_string(expected) + " (an entry is missing or out of order)");
    if (e.seq == 1 && e.prev_hash != kGenesis) return broken("the first entry must link to zeros");
    if (e.seq > 1 && &e != &entries.front() && e.prev_hash != prev)
      return broken("does not link to the previous entry's hash");
    if (audit_entry_hash(e) != e.hash) return broken("its hash does not match its content");
    prev = e.hash;
    ++expected;
  }
  return {};
}

nlohmann::json to_json(const AuditEntry& e) {
  return {{"seq", e.seq},
          {"at", e.at},
          {"actor", e.actor},
          {"action", e.action},
          {"bodyHash", e.body_hash},
          {"prevHash", e.prev_hash},
          {"hash", e.hash}};
}

AuditEntry audit_entry_from_json(const nlohmann::json& j) {
  auto text = [&](const char* k) {
    if (!j.contains(k) || !j[k].is_string())
      throw std::invalid_argument(std::string("field '") + k + "': expected a string");
    return j[k].get<std::string>();
  };
  if (!j.is_object()) throw std::invalid_argument("expected an object (one audit entry)");
  if (!j.contains("seq") || !j["seq"].is_number_integer())
    throw std::invalid_argument("field 'seq': expected an integer");
  AuditEntry e;
  e.seq = j["seq"].get<long>();
  e.at = text("at");
  e.actor = text("actor");
  e.action = text("action");
  e.body_hash = text("bodyHash");
  e.prev_hash = text("prevHash");
  e.hash = text("hash");
  return e;
}

}  // namespace procura
