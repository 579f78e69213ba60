#include "evaluation/panel.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "tender/commitment.hpp"

namespace procura {

std::string panel_draw_key(const std::string& seed, const std::string& expert_id) {
  return blake2b_hex("procura-panel-v1|" + seed + "|" + expert_id);
}

namespace {

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Why an expert may not sit on the panel, or "" when they may.
std::string exclusion_reason(const Expert& e, const PanelRequest& r) {
  for (const auto& interest : e.interests)
    if (contains(r.participants, interest)) return "declared an interest in " + interest;
  if (r.specialities.empty()) return "";
  for (const auto& s : e.specialities)
    if (contains(r.specialities, s)) return "";
  return "no requested speciality";
}

}  // namespace

Panel draw_panel(const std::vector<Expert>& library, const PanelRequest& request) {
  if (request.size < 1) throw RuleError("a panel needs at least one member");
  if (request.seed.empty()) throw RuleError("a panel is drawn with a published seed");
  Panel panel;
  std::vector<std::pair<std::string, std::string>> keyed;  // draw key, expert id
  for (const auto& e : library) {
    const std::string why = exclusion_reason(e, request);
    if (!why.empty()) {
      panel.excluded.push_back({e.id, why});
      continue;
    }
    keyed.emplace_back(panel_draw_key(request.seed, e.id), e.id);
  }
  panel.eligible = static_cast<int>(keyed.size());
  if (panel.eligible < request.size)
    throw RuleError("the library has " + std::to_string(panel.eligible) +
                    " eligible experts for a panel of " + std::to_string(request.size));
  std::sort(keyed.begin(), keyed.end());
  for (const auto& k : keyed) panel.order.push_back(k.second);
  panel.members.assign(panel.order.begin(), panel.order.begin() + request.size);
  return panel;
}

}  // namespace procura
