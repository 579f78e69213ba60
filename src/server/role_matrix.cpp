#include "server/role_matrix.hpp"

#include <stdexcept>

namespace procura {

namespace {

std::vector<Permission> make_matrix() {
  using R = Role;
  const std::vector<Role> everyone = all_roles();
  const std::vector<Role> accounts(everyone.begin() + 1, everyone.end());
  const std::vector<Role> office = {R::kOffice};
  return {
      // Reading what the catalogue publishes: everyone (the audience decides what each gets).
      {"read", everyone},
      {"log-in", everyone},
      {"log-out", accounts},
      {"read-own-account", accounts},
      {"change-password", accounts},
      {"keep-watchlist", accounts},
      {"register-account",
       {R::kOffice, R::kEnterprise, R::kInstitution}},  // an organisation its own
      // A round's life.
      {"create-round", office},
      {"edit-round", office},
      {"publish-round", office},
      {"award-round", office},
      // A round's tables, by who supplies each.
      {"add-regions", office},
      {"add-institutions", office},
      {"add-enterprises", office},
      {"add-products", {R::kOffice, R::kEnterprise}},
      {"add-history", office},
      {"add-demand", {R::kOffice, R::kInstitution}},
      {"add-ceilings", office},
      {"add-access-prices", {R::kExpert}},
      {"add-offers", {R::kEnterprise}},
      // The opening key, held by the round's keyholders.
      {"set-keyholder-key", {R::kOffice, R::kObserver, R::kAuditor}},
      {"hold-opening-share", {R::kOffice, R::kObserver, R::kAuditor}},
      // Bids.
      {"submit-bid", {R::kEnterprise}},
      {"withdraw-bid", {R::kEnterprise}},
      {"read-own-bids", {R::kEnterprise}},
      // Evaluation.
      {"keep-expert-library", office},
      {"declare-interest", {R::kOffice, R::kExpert}},
      {"draw-panel", office},
      {"assign-observer", office},
      {"read-evaluation", {R::kOffice, R::kExpert, R::kObserver, R::kAuditor}},
      {"observe", {R::kObserver}},
      {"report", {R::kObserver}},
      {"ask-question", {R::kEnterprise}},
      {"answer-question", office},
      {"complain", {R::kEnterprise, R::kObserver}},
      {"answer-complaint", office},
      {"override-hold", office},
      // Publication and the audit log.
      {"add-reference-prices", office},
      {"export-audit-log", {R::kOffice, R::kAuditor}},
  };
}

}  // namespace

const std::vector<Permission>& role_matrix() {
  static const std::vector<Permission> kMatrix = make_matrix();
  return kMatrix;
}

const std::vector<Role>& roles_for(std::string_view name) {
  for (const auto& p : role_matrix())
    if (p.name == name) return p.roles;
  throw std::logic_error("no permission '" + std::string(name) + "' in the role matrix");
}

}  // namespace procura
