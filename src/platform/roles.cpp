#include "platform/roles.hpp"

namespace procura {

const std::vector<Role>& all_roles() {
  static const std::vector<Role> kAll = {Role::kPublic,     Role::kOffice, Role::kInstitution,
                                         Role::kEnterprise, Role::kExpert, Role::kObserver,
                                         Role::kInsurer,    Role::kAuditor};
  return kAll;
}

const char* role_name(Role r) {
  switch (r) {
    case Role::kPublic:
      return "public";
    case Role::kOffice:
      return "office";
    case Role::kInstitution:
      return "institution";
    case Role::kEnterprise:
      return "enterprise";
    case Role::kExpert:
      return "expert";
    case Role::kObserver:
      return "observer";
    case Role::kInsurer:
      return "insurer";
    case Role::kAuditor:
      return "auditor";
  }
  return "public";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : all_roles())
    if (name == role_name(r)) return r;
  return std::nullopt;
}

}  // namespace procura
