// `procura audit verify`: the audit log checked offline, alone or with the stored records it
// names (the changes feed's items), so that anyone with the open data can tell whether an entry
// or a record was changed, removed or added unseen.
#include <fmt/core.h>

#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "cli/serve.hpp"
#include "core/canonical_json.hpp"
#include "core/error.hpp"
#include "integrity/audit_chain.hpp"
#include "platform/secrets.hpp"
#include "records/record_hash.hpp"

namespace procura {

namespace {

using json = nlohmann::json;

// Each non-empty line of a JSON lines file, parsed; errors name the file and line.
template <class F>
void each_line(const std::string& file, const char* what, F&& f) {
  std::ifstream in(file);
  if (!in) throw InputError(file, 0, "", std::string("cannot open the ") + what);
  long line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.empty()) continue;
    auto j = json::parse(line, nullptr, false);
    if (j.is_discarded())
      throw InputError(file, line_no, "", std::string("malformed JSON: expected ") + what);
    try {
      f(j);
    } catch (const std::invalid_argument& e) {
      throw InputError(file, line_no, "", e.what());
    } catch (const json::exception& e) {
      throw InputError(file, line_no, "", std::string("unexpected content: ") + e.what());
    }
  }
}

ObjectRevision revision_of(const json& j) {
  auto text = [&](const char* k) {
    if (!j.contains(k) || !j[k].is_string())
      throw std::invalid_argument(std::string("field '") + k + "': expected a string");
    return j[k].get<std::string>();
  };
  if (!j.contains("data")) throw std::invalid_argument("field 'data': expected the record");
  ObjectRevision r;
  r.seq = j.value("offset", 0L);
  r.kind = text("kind");
  r.id = text("id");
  r.context = text("context");
  r.rev = j.value("rev", 0L);
  r.data = canonical_json(j["data"]);  // as the platform stored and hashed it
  r.sealed = j.value("sealed", "");
  r.owner = text("owner");
  r.actor = text("actor");
  r.at = text("at");
  r.salt = text("salt");
  r.hash = text("hash");
  return r;
}

}  // namespace

int run_audit_verify(const AuditVerifyCommand& c) {
  std::vector<AuditEntry> entries;
  each_line(c.file, "an audit entry",
            [&](const json& j) { entries.push_back(audit_entry_from_json(j)); });
  const std::string start = c.after > 0 ? c.prev_hash : std::string(64, '0');
  if (c.after > 0 && c.prev_hash.size() != 64)
    throw InputError("--prev-hash", 0, "", "with --after, give the hash of that entry");
  const ChainCheck check = verify_audit_chain(entries, c.after + 1, start);
  if (!check.ok) {
    std::cout << fmt::format("BROKEN at entry {}: {}\n", check.first_broken, check.reason);
    return 1;
  }
  const long seq = entries.empty() ? c.after : entries.back().seq;
  const std::string hash = entries.empty() ? start : entries.back().hash;
  if (!c.public_key.empty() || !c.signature.empty()) {
    if (!verify_signature(c.public_key, audit_head_text(seq, hash), c.signature)) {
      std::cout << fmt::format(
          "BROKEN head: the signature does not sign entry {} with hash {} under this key\n", seq,
          hash);
      return 1;
    }
    std::cout << "head signature: valid\n";
  }
  long withheld = 0;
  for (const auto& e : entries) withheld += e.withheld;
  if (!c.records.empty()) {
    std::map<std::string, long> named;  // record hash -> the entry naming it
    for (const auto& e : entries)
      for (const auto& r : e.records) named.emplace(r.hash, e.seq);
    std::set<std::string> held;
    long checked = 0;
    bool broken = false;
    each_line(c.records, "a record (a feed item)", [&](const json& j) {
      if (broken || j.value("withheld", false)) return;
      const ObjectRevision r = revision_of(j);
      const std::string where = fmt::format("record {} '{}' rev {}", r.kind, r.id, r.rev);
      if (record_hash(r) != r.hash) {
        std::cout << "BROKEN " << where << ": its content does not match its hash\n";
        broken = true;
        return;
      }
      if (!named.count(r.hash) && withheld == 0) {
        std::cout << "BROKEN " << where << ": no entry of the log names it\n";
        broken = true;
        return;
      }
      held.insert(r.hash);
      ++checked;
    });
    if (broken) return 1;
    for (const auto& e : entries)
      for (const auto& r : e.records)
        if (!held.count(r.hash)) {
          std::cout << fmt::format(
              "BROKEN at entry {}: it names record {} '{}' with hash {}, which the records do "
              "not hold\n",
              e.seq, r.kind, r.id, r.hash);
          return 1;
        }
    std::cout << fmt::format("records: {} match their hashes and the log\n", checked);
  }
  if (withheld > 0)
    std::cout << fmt::format(
        "{} entries withheld from this reader (their records are not yet public): their "
        "bodies and records were not checked\n",
        withheld);
  std::cout << fmt::format("OK: {} entries, head {} {}\n", entries.size(), seq, hash);
  return 0;
}

}  // namespace procura
