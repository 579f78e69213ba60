#include "integrity/coverage.hpp"

namespace procura::integrity {

void Coverage::increment(const std::string& path) {
  auto [it, fresh] = index_.emplace(path, counts_.size());
  if (fresh) counts_.emplace_back(path, 0);
  ++counts_[it->second].second;
}

bool Coverage::visit(const nlohmann::json& value, std::string& path) {
  bool non_empty = false;
  const std::size_t mark = path.size();
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      break;
    case nlohmann::json::value_t::array:
      if (!value.empty()) {
        path += "[]";
        for (const auto& item : value) non_empty |= visit(item, path);
        path.resize(mark);
      }
      break;
    case nlohmann::json::value_t::object:
      if (!value.empty()) {
        path += "/";
        const std::size_t inner = path.size();
        for (const auto& [k, v] : value.items()) {
          path += k;
          non_empty |= visit(v, path);
          path.resize(inner);
        }
        if (non_empty) increment(path);  // the object itself: "…/"
        path.resize(mark);
      }
      break;
    case nlohmann::json::value_t::string:
      non_empty = !value.get_ref<const std::string&>().empty();
      break;
    default:  // numbers, booleans
      non_empty = true;
  }
  if (non_empty) increment(path);
  return non_empty;
}

void Coverage::add(const nlohmann::json& value) {
  std::string path;
  visit(value, path);
}

nlohmann::ordered_json Coverage::results() const {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [path, n] : counts_) out[path] = n;
  return out;
}

}  // namespace procura::integrity
