#include "cli/draw_commands.hpp"

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/input.hpp"
#include "core/error.hpp"
#include "evaluation/draw.hpp"
#include "evaluation/panel.hpp"
#include "platform/secrets.hpp"

namespace procura {

using json = nlohmann::json;

namespace {

json read_json(const std::string& path, const char* expected) {
  Input in(path);
  json j = json::parse(in.stream(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw InputError(in.name(), 0, "", std::string("expected ") + expected + " (a JSON object)");
  return j;
}

std::vector<std::string> ids_of(const json& list) {
  std::vector<std::string> out;
  for (const auto& x : list) out.push_back(x.value("id", ""));
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

// Prints each check, and each difference with both values; counts the differences.
class Report {
 public:
  void check(const std::string& item, const std::string& published, const std::string& recomputed) {
    if (published == recomputed) {
      std::cout << "ok       " << item << "\n";
      return;
    }
    ++differences_;
    std::cout << "DIFFERS  " << item << ": published " << (published.empty() ? "-" : published)
              << ", recomputed " << (recomputed.empty() ? "-" : recomputed) << "\n";
  }
  int differences() const { return differences_; }

 private:
  int differences_ = 0;
};

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

int verify(const DrawCommands& d) {
  const json panel = read_json(d.panel, "a panel (GET /api/rounds/{id}/panel)");
  const json data = read_json(d.open_data, "a round's open data (GET /api/rounds/{id}/open-data)");
  if (!data.contains("round") || !data.contains("records"))
    throw InputError(d.open_data, 0, "",
                     "expected a round's open data (GET /api/rounds/{id}/open-data)");
  const json& round = data["round"];
  const json& records = data["records"];
  if (!records.contains("bid") || !records.contains("enterprise"))
    throw InputError(d.open_data, 0, "withheld",
                     "the open data withholds the bids or the enterprises: download it again "
                     "after the bid deadline");
  Report report;
  const json committed = round.value("draws", json::object()).value("panel", json::object());
  const std::string secret = panel.value("secret", "");
  report.check("the round's published commitment is the panel's", committed.value("commitment", ""),
               panel.value("commitment", ""));
  report.check("BLAKE2b-256 of the revealed secret is the round's commitment",
               committed.value("commitment", ""),
               is_draw_secret(secret) ? draw_commitment(secret) : "(not a secret)");
  // What the round fixed at publication and at the deadline, taken from the round's open data,
  // never from the panel: the size, the specialities, the participants, the bids.
  const int size = committed.value("size", 0);
  const auto specialities = committed.value("specialities", std::vector<std::string>{});
  std::vector<std::string> participants;
  for (const auto& e : records["enterprise"]) participants.push_back(e.value("enterpriseId", ""));
  report.check("the size fixed at publication", std::to_string(panel.value("size", 0)),
               std::to_string(size));
  report.check("the specialities fixed at publication",
               joined(sorted(panel.value("specialities", std::vector<std::string>{}))),
               joined(sorted(specialities)));
  report.check("the participants are the round's enterprises",
               joined(sorted(panel.value("participants", std::vector<std::string>{}))),
               joined(sorted(participants)));
  DrawInput input{round.value("id", ""), "panel", secret, {}};
  for (const auto& b : records["bid"])
    input.values.push_back({b.value("id", ""), b.value("commitment", "")});
  std::vector<DrawValue> in_panel;
  for (const auto& b : panel.value("bids", json::array()))
    in_panel.push_back({b.value("bid", ""), b.value("commitment", "")});
  report.check("the bids' commitments are the round's published bids",
               draw_seed_text({input.round, "panel", secret, in_panel}), draw_seed_text(input));
  std::string seed;
  try {
    seed = draw_seed(input);
  } catch (const RuleError& e) {
    seed = std::string("(") + e.what() + ")";
  }
  report.check("the seed's text", panel.value("seedText", ""), draw_seed_text(input));
  report.check("the seed", panel.value("seed", ""), seed);
  // The library as the panel says it stood at the deadline (each expert with the revision it
  // names, which GET /api/objects/expert/{id}/revisions shows), drawn again here.
  std::vector<Expert> library;
  for (const auto& e : panel.value("library", json::array()))
    library.push_back({e.value("id", ""), "", e.value("specialities", std::vector<std::string>{}),
                       e.value("interests", std::vector<std::string>{})});
  std::string order, drawn, excluded;
  std::string eligible;
  try {
    const Panel again = draw_panel(library, {seed, size, specialities, participants});
    order = joined(again.order);
    drawn = joined(again.members);
    eligible = std::to_string(again.eligible);
    for (const auto& x : again.excluded) excluded += (excluded.empty() ? "" : ",") + x.expert;
  } catch (const RuleError& e) {
    order = drawn = std::string("(") + e.what() + ")";
  }
  for (const auto& t : panel.value("draws", json::array()))
    report.check("the ticket of " + t.value("id", ""), t.value("drawKey", ""),
                 panel_draw_key(seed, t.value("id", "")));
  std::string published_excluded;
  for (const auto& x : panel.value("excluded", json::array()))
    published_excluded += (published_excluded.empty() ? "" : ",") + x.value("expert", "");
  report.check("the excluded experts", published_excluded, excluded);
  report.check("the eligible experts", std::to_string(panel.value("eligible", 0)), eligible);
  report.check("the eligible experts in ticket order",
               joined(ids_of(panel.value("draws", json::array()))), order);
  report.check("the members (the smallest tickets)",
               joined(ids_of(panel.value("members", json::array()))), drawn);
  std::cout << (report.differences() ? std::to_string(report.differences()) + " difference(s)"
                                     : std::string("the panel is the draw of its published values"))
            << "\n";
  return report.differences() ? 1 : 0;
}

}  // namespace

DrawCommands& add_draw_commands(CLI::App& app, DrawCommands& out) {
  auto* draw = app.add_subcommand("draw", "Draws nobody can steer: a secret, and a draw's check");
  draw->require_subcommand(1);
  out.secret = draw->add_subcommand(
      "secret", "Print a fresh draw secret and its commitment (publish with {\"drawCommitment\"})");
  out.verify = draw->add_subcommand(
      "verify", "Recompute a round's panel draw from its published values; exit 1 on a difference");
  out.verify->add_option("--panel", out.panel, "The panel (GET /api/rounds/{id}/panel)")
      ->required();
  out.verify
      ->add_option("--open-data", out.open_data,
                   "The round's open data (GET /api/rounds/{id}/open-data, after the deadline)")
      ->required();
  return out;
}

int run_draw(const DrawCommands& d) {
  if (d.secret->parsed()) {
    const std::string secret = new_token();
    std::cout << "secret      " << secret << "\ncommitment  " << draw_commitment(secret) << "\n";
    return 0;
  }
  return verify(d);
}

}  // namespace procura
