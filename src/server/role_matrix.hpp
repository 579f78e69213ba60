#pragma once
// The role matrix: for every permission a route may need, the roles that hold it. The one place
// that says which role may call what; routes name a permission (as openprocurement's views name
// theirs), never roles. What a caller then reads is the record catalogue's to decide.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "platform/roles.hpp"

namespace procura {

struct Permission {
  std::string name;  // "submit-bid"
  std::vector<Role> roles;
};

// Every permission, in the order of docs/server.md.
const std::vector<Permission>& role_matrix();
// The roles holding `name`; throws std::logic_error for a name not in the matrix.
const std::vector<Role>& roles_for(std::string_view name);

}  // namespace procura
