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

// A page of items ({"items": [...]}) or a bare list, as the API serves lists.
json items_of(const json& j) {
  return j.contains("items") ? j["items"] : j;
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

std::vector<Expert> library_of(const json& experts) {
  std::vector<Expert> out;
  for (const auto& e : items_of(experts))
    out.push_back({e.value("id", ""), e.value("name", ""),
                   e.value("specialities", std::vector<std::string>{}),
                   e.value("interests", std::vector<std::string>{})});
  return out;
}

int verify(const DrawCommands& d) {
  const json panel = read_json(d.panel, "a panel (GET /api/rounds/{id}/panel)");
  const json round = read_json(d.round, "a round (GET /api/rounds/{id})");
  Report report;
  const std::string secret = panel.value("secret", "");
  const std::string committed =
      round.value("draws", json::object()).value("panel", json::object()).value("commitment", "");
  report.check("the round's published commitment is the panel's", committed,
               panel.value("commitment", ""));
  report.check("BLAKE2b-256 of the revealed secret is the commitment", committed,
               is_draw_secret(secret) ? draw_commitment(secret) : "(not a secret)");
  DrawInput input{round.value("id", ""), "panel", secret, {}};
  for (const auto& b : panel.value("bids", json::array()))
    input.values.push_back({b.value("bid", ""), b.value("commitment", "")});
  if (!d.bids.empty()) {
    std::vector<DrawValue> published;
    for (const auto& b :
         items_of(read_json(d.bids, "the round's bids (GET /api/rounds/{id}/bids)")))
      published.push_back({b.value("id", ""), b.value("commitment", "")});
    auto text = [&](std::vector<DrawValue> v) {
      return draw_seed_text({input.round, "panel", secret, std::move(v)});
    };
    report.check("the bids' commitments are the round's published bids", text(published),
                 text(input.values));
  }
  std::string seed;
  try {
    seed = draw_seed(input);
  } catch (const RuleError& e) {
    seed = std::string("(") + e.what() + ")";
  }
  report.check("the seed's text", panel.value("seedText", ""), draw_seed_text(input));
  report.check("the seed", panel.value("seed", ""), seed);
  std::vector<std::pair<std::string, std::string>> tickets;
  for (const auto& t : panel.value("draws", json::array())) {
    const std::string id = t.value("id", "");
    report.check("the ticket of " + id, t.value("drawKey", ""), panel_draw_key(seed, id));
    tickets.emplace_back(panel_draw_key(seed, id), id);
  }
  std::sort(tickets.begin(), tickets.end());
  const auto size = static_cast<std::size_t>(std::max(0, panel.value("size", 0)));
  std::vector<std::string> members;
  for (std::size_t i = 0; i < tickets.size() && i < size; ++i) members.push_back(tickets[i].second);
  report.check("the members (the smallest tickets)",
               joined(ids_of(panel.value("members", json::array()))), joined(members));
  if (!d.experts.empty()) {
    PanelRequest request{seed, static_cast<int>(size),
                         panel.value("specialities", std::vector<std::string>{}),
                         panel.value("participants", std::vector<std::string>{})};
    std::string order, drawn;
    try {
      const Panel again = draw_panel(
          library_of(read_json(d.experts, "the expert library (GET /api/experts)")), request);
      order = joined(again.order);
      drawn = joined(again.members);
    } catch (const RuleError& e) {
      order = drawn = std::string("(") + e.what() + ")";
    }
    report.check("the eligible experts in ticket order, from the library",
                 joined(ids_of(panel.value("draws", json::array()))), order);
    report.check("the members, from the library",
                 joined(ids_of(panel.value("members", json::array()))), drawn);
  }
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
  out.verify->add_option("--round", out.round, "The round (GET /api/rounds/{id})")->required();
  out.verify->add_option("--bids", out.bids, "The round's bids (GET /api/rounds/{id}/bids)");
  out.verify->add_option("--experts", out.experts, "The expert library (GET /api/experts)");
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
