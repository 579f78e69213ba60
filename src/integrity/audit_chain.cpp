#include "integrity/audit_chain.hpp"

#include <stdexcept>

#include "platform/secrets.hpp"
#include "tender/commitment.hpp"

namespace procura {

namespace {

const std::string kGenesis(64, '0');

bool is_hex64(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

std::string records_text(const std::vector<AuditRecord>& records) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : records)
    out.push_back({{"kind", r.kind}, {"id", r.id}, {"context", r.context}, {"hash", r.hash}});
  return out.dump();
}

std::vector<AuditRecord> records_from_text(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) throw std::invalid_argument("field 'records': expected an array");
  std::vector<AuditRecord> out;
  for (const auto& r : j) {
    if (!r.is_object()) throw std::invalid_argument("field 'records': expected objects");
    auto text_of = [&](const char* k) {
      auto it = r.find(k);
      if (it == r.end() || !it->is_string())
        throw std::invalid_argument(std::string("field 'records[].") + k + "': expected a string");
      return it->get<std::string>();
    };
    out.push_back({text_of("kind"), text_of("id"), text_of("context"), text_of("hash")});
  }
  return out;
}

std::string audit_body_hash(const AuditEntry& e) {
  return blake2b_hex("procura-audit-body-v2|" + e.salt + "|" + e.actor + "|" + e.action + "|" +
                     records_text(e.records));
}

std::string audit_entry_hash(const AuditEntry& e) {
  return blake2b_hex("procura-audit-v2|" + std::to_string(e.seq) + "|" + e.at + "|" + e.body_hash +
                     "|" + e.prev_hash);
}

AuditEntry next_audit_entry(const AuditEntry* last, std::string at, std::string actor,
                            std::string action, std::vector<AuditRecord> records) {
  AuditEntry e;
  e.seq = last ? last->seq + 1 : 1;
  e.at = std::move(at);
  e.actor = std::move(actor);
  e.action = std::move(action);
  e.records = std::move(records);
  e.salt = new_token().substr(0, 32);
  e.body_hash = audit_body_hash(e);
  e.prev_hash = last ? last->hash : kGenesis;
  e.hash = audit_entry_hash(e);
  return e;
}

std::string audit_head_text(long seq, const std::string& hash) {
  return "procura-audit-head-v2|" + std::to_string(seq) + "|" + hash;
}

ChainCheck verify_audit_chain(const std::vector<AuditEntry>& entries, long first_seq,
                              const std::string& first_prev) {
  std::string prev = first_prev;
  long expected = first_seq;
  for (const auto& e : entries) {
    auto broken = [&](std::string why) { return ChainCheck{false, e.seq, std::move(why)}; };
    if (e.seq != expected)
      return broken("sequence number " + std::to_string(e.seq) + ", expected " +
                    std::to_string(expected) +
                    (expected == first_seq && first_seq == 1
                         ? " (a log starts at entry 1: entries before it are missing)"
                         : " (an entry is missing or out of order)"));
    if (e.prev_hash != prev)
      return broken(expected == first_seq ? "does not link to the expected start (" + prev + ")"
                                          : "does not link to the previous entry's hash");
    if (!e.withheld && audit_body_hash(e) != e.body_hash)
      return broken("its actor, action or records do not match its body hash");
    if (!is_hex64(e.body_hash)) return broken("its body hash is not 64 hex digits");
    if (audit_entry_hash(e) != e.hash) return broken("its hash does not match its content");
    prev = e.hash;
    ++expected;
  }
  return {};
}

nlohmann::json to_json(const AuditEntry& e) {
  nlohmann::json j = {{"seq", e.seq}, {"at", e.at}};
  if (e.withheld) {
    j["withheld"] = true;
  } else {
    j["actor"] = e.actor;
    j["action"] = e.action;
    j["records"] = nlohmann::json::parse(records_text(e.records));
    j["salt"] = e.salt;
  }
  j["bodyHash"] = e.body_hash;
  j["prevHash"] = e.prev_hash;
  j["hash"] = e.hash;
  return j;
}

AuditEntry audit_entry_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("expected an object (one audit entry)");
  auto text = [&](const char* k) {
    if (!j.contains(k) || !j[k].is_string())
      throw std::invalid_argument(std::string("field '") + k + "': expected a string");
    return j[k].get<std::string>();
  };
  if (!j.contains("seq") || !j["seq"].is_number_integer())
    throw std::invalid_argument("field 'seq': expected an integer");
  AuditEntry e;
  e.seq = j["seq"].get<long>();
  e.at = text("at");
  e.withheld = j.value("withheld", false) == true;
  if (!e.withheld) {
    e.actor = text("actor");
    e.action = text("action");
    e.salt = text("salt");
    if (!j.contains("records")) throw std::invalid_argument("field 'records': expected an array");
    e.records = records_from_text(j["records"].dump());
  }
  e.body_hash = text("bodyHash");
  e.prev_hash = text("prevHash");
  e.hash = text("hash");
  return e;
}

}  // namespace procura
