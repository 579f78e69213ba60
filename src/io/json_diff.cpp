#include "io/json_diff.hpp"

#include <map>
#include <set>

namespace procura {

using json = nlohmann::json;

namespace {

constexpr const char* kIdentifying[] = {
    "id",         "ocid",         "product", "productId", "group", "institution", "institutionId",
    "enterprise", "enterpriseId", "region",  "regionId",  "code"};

std::string key_text(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// The names of an item under `fields` ("A1/I3"), or "" when it lacks one or one is structured.
std::string key_of(const json& item, const std::vector<std::string>& fields) {
  std::string key;
  for (const auto& f : fields) {
    auto it = item.is_object() ? item.find(f) : item.end();
    if (it == item.end() || it->is_structured()) return "";
    key += (key.empty() ? "" : "/") + key_text(*it);
  }
  return key;
}

bool tells_apart(const json& a, const json& b, const std::vector<std::string>& fields) {
  for (const json* side : {&a, &b}) {
    std::set<std::string> seen;
    for (const auto& item : *side) {
      const std::string key = key_of(item, fields);
      if (key.empty() || !seen.insert(key).second) return false;
    }
  }
  return !a.empty() || !b.empty();
}

// The field, or pair of fields, that tells the items of both arrays apart; none to compare
// them by position.
std::vector<std::string> identifying_fields(const json& a, const json& b) {
  for (const char* f : kIdentifying)
    if (tells_apart(a, b, {f})) return {f};
  for (const char* f : kIdentifying)
    for (const char* g : kIdentifying)
      if (std::string(f) < g && tells_apart(a, b, {f, g})) return {f, g};
  return {};
}

class Differ {
 public:
  Differ(std::size_t most, std::size_t& total) : most_(most), total_(total) {}

  void compare(const json& p, const json& r, const std::string& path) {
    if (p.is_number() && r.is_number()) {
      if (p == r) return;  // by value across integer and decimal forms: 1 and 1.0
      return note(path, p.dump(), r.dump());
    }
    if (p.type() != r.type()) return note(path, p.dump(), r.dump());
    if (p.is_object()) return objects(p, r, path);
    if (p.is_array()) return arrays(p, r, path);
    if (p != r) note(path, p.dump(), r.dump());
  }

  std::vector<JsonDifference> out;

 private:
  void note(const std::string& path, std::string published, std::string recomputed) {
    ++total_;
    if (out.size() < most_) out.push_back({path, std::move(published), std::move(recomputed)});
  }

  void objects(const json& p, const json& r, const std::string& path) {
    const std::string prefix = path.empty() ? "" : path + ".";
    for (const auto& [k, v] : p.items())
      if (auto it = r.find(k); it != r.end())
        compare(v, *it, prefix + k);
      else
        note(prefix + k, v.dump(), "");
    for (const auto& [k, v] : r.items())
      if (!p.contains(k)) note(prefix + k, "", v.dump());
  }

  void arrays(const json& p, const json& r, const std::string& path) {
    const auto fields = identifying_fields(p, r);
    if (fields.empty()) {
      for (std::size_t i = 0; i < std::max(p.size(), r.size()); ++i) {
        const std::string at = path + "[" + std::to_string(i) + "]";
        if (i >= p.size())
          note(at, "", r[i].dump());
        else if (i >= r.size())
          note(at, p[i].dump(), "");
        else
          compare(p[i], r[i], at);
      }
      return;
    }
    std::map<std::string, const json*> recomputed;
    for (const auto& item : r) recomputed.emplace(key_of(item, fields), &item);
    std::set<std::string> seen;
    for (const auto& item : p) {
      const std::string key = key_of(item, fields);
      seen.insert(key);
      const std::string at = path + "[" + key + "]";
      if (auto it = recomputed.find(key); it != recomputed.end())
        compare(item, *it->second, at);
      else
        note(at, item.dump(), "");
    }
    for (const auto& item : r)
      if (!seen.count(key_of(item, fields)))
        note(path + "[" + key_of(item, fields) + "]", "", item.dump());
  }

  std::size_t most_;
  std::size_t& total_;
};

}  // namespace

std::vector<JsonDifference> json_differences(const json& published, const json& recomputed,
                                             const std::string& path, std::size_t most,
                                             std::size_t& total) {
  Differ d(most, total);
  d.compare(published, recomputed, path);
  return std::move(d.out);
}

}  // namespace procura
