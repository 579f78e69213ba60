#pragma once
// Evaluation experts: the alliance's expert library and the random, reproducible draw of a
// round's panel. The draw depends only on published inputs (the library, the round's
// participating enterprises, the requested size and specialities, and the seed), so anyone can
// redraw it and get the same members.
#include <string>
#include <vector>

namespace procura {

struct Expert {
  std::string id;
  std::string name;
  std::vector<std::string> specialities;  // e.g. "ophthalmology", "pharmacy", "health-economics"
  std::vector<std::string> interests;     // enterprise ids the expert declared an interest in
};

struct PanelRequest {
  std::string seed;                       // published with the panel
  int size = 0;                           // members wanted
  std::vector<std::string> specialities;  // a member has at least one of these; empty = any
  std::vector<std::string> participants;  // the round's enterprises
};

struct PanelExclusion {
  std::string expert;
  std::string reason;  // "declared an interest in E02", "no requested speciality"
};

struct Panel {
  std::vector<std::string> members;  // in draw order
  std::vector<std::string> order;    // every eligible expert, by draw key
  std::vector<PanelExclusion> excluded;
  int eligible = 0;
};

// Draws the panel: every expert without a declared interest in a participant and with a
// requested speciality is eligible; members are the `size` eligible experts with the smallest
// BLAKE2b-256(seed "|" expert id). Throws RuleError when fewer than `size` are eligible.
Panel draw_panel(const std::vector<Expert>& library, const PanelRequest& request);

// The draw key of one expert (hex), published so that the order can be checked by hand.
std::string panel_draw_key(const std::string& seed, const std::string& expert_id);

}  // namespace procura
