// The audit log: its signed head for everyone, and its entries for the office and auditors, each
// entry whose records they may not yet read shown without its body (it still verifies).
#include "server/api_support.hpp"

namespace procura {

json signed_audit_head(ApiCore& core) {
  auto last = core.db().last_audit();
  const long seq = last ? last->seq : 0;
  const std::string hash = last ? last->hash : std::string(64, '0');
  return {{"seq", seq},
          {"hash", hash},
          {"signature", sign(core.keys().signing().secret_hex, audit_head_text(seq, hash))},
          {"publicKey", core.keys().signing().public_hex}};
}

namespace {

class AuditRoutes {
 public:
  explicit AuditRoutes(ApiCore& core) : core_(core), store_(core.db()) {}

  void add() {
    core_.route({"GET", "/api/audit/head", "read", "read the signed head of the audit log"},
                [this](auto&, auto&) { return head(); });
    core_.route({"GET",
                 "/api/audit/log",
                 "export-audit-log",
                 "export the audit log",
                 "audit-entry",
                 false,
                 {},
                 {"after", "limit"}},
                [this](auto& s, auto&) { return log(s); });
  }

 private:
  ApiResponse head() { return json_response(200, signed_audit_head(core_)); }

  ApiResponse log(const RequestScope& s) {
    const long after = query_number(s.request, "after", 0, 1L << 60),
               limit = query_number(s.request, "limit", 1000, 100000);
    RecordReader::Contexts seen;
    ApiResponse out;
    out.content_type = "application/x-ndjson";
    for (auto& e : store_.audit(after, limit)) {
      e.withheld = !core_.records().reads_history_of(e.records, s.reader(), s.now_utc, seen);
      out.body += to_json(e).dump() + "\n";
    }
    return out;
  }

  ApiCore& core_;
  PlatformStore& store_;
};

}  // namespace

void add_audit_routes(ApiCore& core) {
  auto routes = std::make_shared<AuditRoutes>(core);
  routes->add();
  core.keep(routes);
}

}  // namespace procura
