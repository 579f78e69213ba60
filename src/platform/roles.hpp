#pragma once
// Who may do what on the platform: the roles of its users. The public (no account) is a role too.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace procura {

enum class Role {
  kPublic,
  kOffice,
  kInstitution,
  kEnterprise,
  kExpert,
  kObserver,
  kInsurer,
  kAuditor
};

// Every role, the public first.
const std::vector<Role>& all_roles();
// "public", "office", "institution", "enterprise", "expert", "observer", "insurer", "auditor".
const char* role_name(Role r);
std::optional<Role> parse_role(std::string_view name);

}  // namespace procura
