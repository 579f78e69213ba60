// A round folder (round.json and CSV tables) imported into the platform as one office action:
// the same codecs and checks as rows posted through the API, every error naming the file, the
// line and the field, nothing stored unless the whole folder is.
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "io/csv_reader.hpp"
#include "io/round_files.hpp"
#include "records/round_tables.hpp"
#include "server/api_core.hpp"
#include "server/opening.hpp"
#include "server/stage_releases.hpp"

namespace procura {

namespace fs = std::filesystem;

namespace {

struct FileRows {
  std::vector<json> rows;
  std::vector<long> lines;
  std::vector<std::vector<std::string>> cells;  // bids.csv: the raw cells
  std::vector<std::string> header;
};

FileRows read_table(const fs::path& file, const Codec* codec) {
  FileRows out;
  read_csv_any(
      file.string(), [&](const std::vector<std::string>& h) { out.header = h; },
      [&](const CsvRow& row) {
        out.lines.push_back(row.line());
        if (!codec) {
          out.cells.push_back(row.fields);
          return;
        }
        try {
          out.rows.push_back(codec->decode_csv(out.header, row.fields));
        } catch (const FieldError& e) {
          throw InputError(file.string(), row.line(), e.field, e.what());
        }
      });
  return out;
}

}  // namespace

void Api::import_round_folder(const std::string& dir, const std::string& id,
                              const std::string& bid_deadline, const std::string& bid_opening,
                              const std::string& negotiation_end, bool with_bids, bool as_draft) {
  load_round_folder(dir);  // the folder must read cleanly as it is
  std::ifstream rf(fs::path(dir) / "round.json");
  json round = json::parse(rf);
  if (!id.empty()) round["id"] = id;
  // A round moved in time keeps its products' registrations valid by as many days.
  int shift_days = 0;
  if (!bid_deadline.empty()) {
    auto from = parse_utc(round["timeline"].value("bidDeadline", ""));
    auto to = parse_utc(bid_deadline);
    if (from && to) shift_days = static_cast<int>((*to - *from) / 86400);
    round["timeline"]["bidDeadline"] = bid_deadline;
  }
  if (!bid_opening.empty()) round["timeline"]["bidOpening"] = bid_opening;
  if (!negotiation_end.empty()) round["timeline"]["negotiationEnd"] = negotiation_end;
  if (shift_days != 0 && round["timeline"].contains("contractStart"))
    round["timeline"]["contractStart"] =
        add_days(round["timeline"]["contractStart"].get<std::string>() + "T00:00:00Z", shift_days)
            .substr(0, 10);
  const RoundInput rules = RoundRepository::rules_of(round);
  const std::string round_id = rules.id;
  auto& impl = *impl_;
  const ApiRequest request = make_request("IMPORT", "/api/rounds/" + round_id);
  RequestScope s{request, system_caller(), impl.clock.now(), "",          {},
                 false,   false,           nullptr,          std::nullopt};
  s.now_utc = format_utc(s.now);
  impl.store.transaction([&] {
    if (impl.store.latest("round", round_id))
      throw std::runtime_error("round " + round_id + " exists");
    json doc = json::object();
    for (const char* k :
         {"id", "title", "ocidPrefix", "currency", "buyer", "attributes", "profile", "timeline"})
      if (round.contains(k)) doc[k] = round[k];
    doc["status"] = as_draft ? "draft" : "published";
    doc["createdAt"] = s.now_utc;
    if (!as_draft) doc["publishedAt"] = s.now_utc;
    doc["importedFrom"] = fs::path(dir).filename().string();
    if (with_bids) doc["importedWithBids"] = true;  // its bids were never committed to
    impl.put(s, "round", round_id, round_id, doc);
    for (const auto& kind : record_kinds()) {
      if (kind.table.empty() || (kind.negotiation && !with_bids)) continue;
      std::string name = kind.table;  // "access-prices" -> access_prices.csv
      std::replace(name.begin(), name.end(), '-', '_');
      const fs::path named = fs::path(dir) / (name + ".csv");
      if (!fs::exists(named)) continue;
      FileRows table = read_table(named, kind.codec);
      if (kind.name == "product" && shift_days != 0)
        for (auto& r : table.rows)
          if (r.contains("registrationValidUntil"))
            r["registrationValidUntil"] =
                add_days(r["registrationValidUntil"].get<std::string>() + "T00:00:00Z", shift_days)
                    .substr(0, 10);
      std::vector<CheckedRow> rows;
      try {
        rows = check_rows(kind, table.rows, rules, impl.repository, round_id);
      } catch (const RowError& e) {
        throw InputError(named.string(), table.lines[e.row], snake_case(e.field), e.detail);
      }
      for (const auto& r : rows) {
        std::string owner;
        if (!kind.owner_field.empty())
          owner = org_owner(kind.owner_role, r.data.value(kind.owner_field, ""));
        impl.put(s, kind.name, round_id + "/" + r.key, round_id, r.data, "", owner);
      }
    }
    if (!as_draft) publish_tender_releases(impl, s, round_id, doc);
    // A past round imported with its bids was never sealed from whoever holds its bids.csv: its
    // bids are sealed and opened at once, with a key of its own that is published. A round
    // imported to take bids has its opening key split among its keyholders, as at publication.
    const KeyPair opening = with_bids ? new_opening_keys() : KeyPair{};
    if (!as_draft && !with_bids) {
      const int threshold = opening_threshold(doc);
      const auto keyholders = keyholders_for(impl, s, round_id, threshold);
      commit_panel_draw(doc, keyholders, PanelCommitment{});
      split_opening_key(impl, s, round_id, doc, keyholders, threshold);
      impl.put(s, "round", round_id, round_id, doc);
    }
    if (with_bids) doc["openingPublicKey"] = opening.public_hex;
    if (with_bids && fs::exists(fs::path(dir) / "bids.csv")) {
      const fs::path file = fs::path(dir) / "bids.csv";
      FileRows bids = read_table(file, nullptr);
      auto enterprise_of = [&](const std::string& product) {
        auto p = impl.store.latest("product", round_id + "/" + product);
        return p ? json::parse(p->data).value("enterpriseId", "") : "";
      };
      for (std::size_t i = 0; i < bids.cells.size(); ++i) {
        auto at = [&](const char* k) {
          auto it = std::find(bids.header.begin(), bids.header.end(), k);
          const auto col = static_cast<std::size_t>(it - bids.header.begin());
          return it == bids.header.end() || col >= bids.cells[i].size() ? std::string()
                                                                        : bids.cells[i][col];
        };
        const std::string product = at("product_id"), enterprise = enterprise_of(product);
        const json secret = {{"productId", product},
                             {"enterpriseId", enterprise},
                             {"price", at("price")},
                             {"nonce", at("nonce")},
                             {"submittedAt", at("submitted_at")}};
        const std::string bid = impl.bid_id(round_id, product);
        const json pub = {{"id", bid},
                          {"round", round_id},
                          {"commitment", at("commitment")},
                          {"status", "submitted"}};
        impl.put(s, "bid", bid, round_id, pub, seal(opening.public_hex, secret.dump()),
                 org_owner(Role::kEnterprise, enterprise));
      }
    }
    if (with_bids) open_bids(impl, s, round_id, doc, opening);
    impl.audit(s);
  });
}

}  // namespace procura
