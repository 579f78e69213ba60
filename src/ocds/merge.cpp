#include "ocds/merge.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace procura::ocds {

namespace {

std::vector<std::string> types_of(const Json& schema) {
  std::vector<std::string> out;
  if (!schema.contains("type")) return out;
  const Json& t = schema["type"];
  if (t.is_string()) out.push_back(t.get<std::string>());
  if (t.is_array())
    for (const auto& x : t)
      if (x.is_string()) out.push_back(x.get<std::string>());
  return out;
}

bool has(const std::vector<std::string>& v, const char* s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Follows "$ref": "#/definitions/Name" (also JSON pointers in general) within the schema.
const Json& resolve(const Json& root, const Json& node) {
  const Json* cur = &node;
  for (int depth = 0;
       depth < 32 && cur->is_object() && cur->contains("$ref") && (*cur)["$ref"].is_string();
       ++depth) {
    std::string ref = (*cur)["$ref"].get<std::string>();
    if (ref.rfind("#", 0) != 0) break;
    cur = &root.at(Json::json_pointer(ref.substr(1)));
  }
  return *cur;
}

void collect(const Json& root, const Json& properties, const std::string& path, int depth,
             std::unordered_map<std::string, unsigned>& out) {
  if (depth > 24 || !properties.is_object()) return;
  for (const auto& [key, raw] : properties.items()) {
    const Json& value = resolve(root, raw);
    const std::string p = path.empty() ? key : path + "/" + key;
    auto types = types_of(value);
    if (value.value("omitWhenMerged", false)) {
      out[p] |= MergeRules::kOmit;
      continue;
    }
    if (value.value("versionId", false)) out[p] |= MergeRules::kVersionId;
    if (has(types, "array") && value.value("wholeListMerge", false)) {
      out[p] |= MergeRules::kWholeList;
    } else if (has(types, "object") && value.contains("properties")) {
      collect(root, value["properties"], p, depth + 1, out);
    } else if (has(types, "array") && value.contains("items")) {
      const Json& items = resolve(root, value["items"]);
      auto item_types = types_of(items);
      bool non_object = std::any_of(item_types.begin(), item_types.end(),
                                    [](const std::string& t) { return t != "object"; });
      if (non_object) {
        out[p] |= MergeRules::kWholeList;
      } else if (has(item_types, "object") && items.contains("properties")) {
        if (!items["properties"].contains("id"))
          out[p] |= MergeRules::kWholeList;
        else
          collect(root, items["properties"], p, depth + 1, out);
      }
    }
  }
}

// A path component: an object key, an array item identified by its "id", or an array item
// without "id" (always a new item: it never merges with another).
enum class Part : char { kKey = 'k', kId = 'i', kNoId = 'n', kPosition = 'p' };

struct Entry {
  std::vector<std::string> path;  // each component: Part char + payload
  Json value;
  bool plain = false;  // versioned mode: kept as is, not as a list of versions
};

// Insertion-ordered flat map of path -> value.
class Flat {
 public:
  Entry* find(const std::string& key) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &entries_[it->second];
  }
  Entry& put(const std::string& key, std::vector<std::string> path) {
    auto [it, fresh] = index_.emplace(key, entries_.size());
    if (fresh) entries_.push_back({std::move(path), nullptr, false});
    return entries_[it->second];
  }
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::size_t> index_;
};

std::string join(const std::vector<std::string>& path) {
  std::string k;
  for (const auto& c : path) k += c + '\x1f';
  return k;
}

struct Flattener {
  const MergeRules& rules;
  bool versioned;
  long& unique;  // counter for items without id, unique across the whole merge
  std::vector<std::pair<std::vector<std::string>, std::pair<Json, bool>>>
      out;  // path, (value, plain)

  void flatten(const Json& obj, std::vector<std::string>& path, const std::string& rule_path) {
    if (obj.is_array()) {
      const unsigned array_rule = rules.at(rule_path);
      long position = 0;
      for (const auto& item : obj) {
        std::string part;
        if (array_rule & MergeRules::kMergeByPosition)
          part = std::string(1, static_cast<char>(Part::kPosition)) + std::to_string(position++);
        else if (array_rule & MergeRules::kAppend)
          part = std::string(1, static_cast<char>(Part::kNoId)) + std::to_string(++unique);
        else if (item.is_object() && item.contains("id"))
          part = std::string(1, static_cast<char>(Part::kId)) + item["id"].dump();
        else
          part = std::string(1, static_cast<char>(Part::kNoId)) + std::to_string(++unique);
        visit(part, item, path, rule_path, true);
      }
      return;
    }
    for (const auto& [key, value] : obj.items()) {
      const std::string rp = rule_path.empty() ? key : rule_path + "/" + key;
      visit(std::string(1, static_cast<char>(Part::kKey)) + key, value, path, rp, false);
    }
  }

  void visit(const std::string& part, const Json& value, std::vector<std::string>& path,
             const std::string& rule_path, bool array_item) {
    const unsigned r = array_item ? 0 : rules.at(rule_path);
    if (r & MergeRules::kOmit) return;
    // A release's own id, date and tag describe the release, not the process: they become each
    // version's releaseID, releaseDate and releaseTag (whatever the schema says, as before 1.1.4).
    if (versioned && path.empty() && (part == "kid" || part == "kdate" || part == "ktag")) return;
    path.push_back(part);
    const bool in_item =
        !array_item && path.size() >= 2 && path[path.size() - 2][0] == static_cast<char>(Part::kId);
    const bool is_id = !array_item && part == "kid";
    bool leaf = (r & MergeRules::kWholeList) || !(value.is_object() || value.is_array()) ||
                (value.is_array() && std::any_of(value.begin(), value.end(),
                                                 [](const Json& x) { return !x.is_object(); }));
    if (is_id && in_item) {
      out.push_back({path, {value, true}});  // an item's identifier is never versioned
    } else if (leaf) {
      out.push_back({path, {value, false}});
    } else if (!value.empty()) {
      flatten(value, path, rule_path);
    }
    path.pop_back();
  }
};

const std::string& release_date(const Json& r) {
  if (!r.is_object()) throw std::invalid_argument("a release must be a JSON object");
  auto it = r.find("date");
  if (it == r.end() || !it->is_string())
    throw std::invalid_argument("release has no string \"date\"");
  return it->get_ref<const std::string&>();
}

std::vector<const Json*> by_date(const std::vector<Json>& releases) {
  std::vector<const Json*> out;
  for (const auto& r : releases) {
    release_date(r);
    out.push_back(&r);
  }
  std::stable_sort(out.begin(), out.end(), [](const Json* a, const Json* b) {
    return release_date(*a) < release_date(*b);
  });
  return out;
}

// A field that holds a value of one type in one release and of another in a later one (an
// object, then text), so that the releases cannot be merged into one document.
[[noreturn]] void type_conflict(const std::vector<std::string>& parts, std::size_t upto) {
  std::string field;
  for (std::size_t i = 0; i < upto; ++i)
    if (parts[i][0] == static_cast<char>(Part::kKey))
      field += (field.empty() ? "" : "/") + parts[i].substr(1);
  throw std::invalid_argument("field '" + field +
                              "' holds an object or array in one release and another type in "
                              "another: the releases cannot be merged");
}

// Rebuilds the nested document from the flat map; null leaves are omitted. Throws
// std::invalid_argument for a field whose type changes between releases.
Json unflatten(const Flat& flat, const Json& start) {
  Json root = start;
  // Array items by their array's path and their tag, so that finding an item does not scan its
  // array (arrays of tens of thousands of awards or bids would make compiling quadratic).
  std::unordered_map<std::string, std::size_t> item_at;
  std::unordered_set<std::string> indexed;  // arrays whose items are in item_at
  std::string path;
  for (const auto& e : flat.entries()) {
    Json* node = &root;
    path.clear();
    for (std::size_t i = 0; i < e.path.size(); ++i) {
      const std::string& part = e.path[i];
      const bool last = i + 1 == e.path.size();
      const bool item = part[0] != static_cast<char>(Part::kKey);
      if (item ? !node->is_array() : !node->is_object()) type_conflict(e.path, i);
      if (item) {  // an array item
        if (indexed.insert(path).second)
          for (std::size_t k = 0; k < node->size(); ++k) {
            const Json& item = (*node)[k];
            if (item.is_object() && item.contains("\x1fpart"))
              item_at[path + '\x1e' + item["\x1fpart"].get<std::string>()] = k;
          }
        std::string key = path + '\x1e' + part;
        auto at = item_at.find(key);
        if (at == item_at.end()) {
          Json item = Json::object();
          item["\x1fpart"] = part;
          if (part[0] == static_cast<char>(Part::kId)) item["id"] = Json::parse(part.substr(1));
          node->push_back(std::move(item));
          at = item_at.emplace(std::move(key), node->size() - 1).first;
        }
        node = &(*node)[at->second];
        path += '\x1d';
        path += part;
        continue;
      }
      const std::string key = part.substr(1);
      path += '\x1d';
      path += part;
      auto it = node->find(key);
      if (it != node->end()) {
        node = &*it;
        continue;
      }
      if (last) {
        if (!e.value.is_null() || e.plain) (*node)[key] = e.value;
        break;
      }
      (*node)[key] =
          e.path[i + 1][0] == static_cast<char>(Part::kKey) ? Json::object() : Json::array();
      node = &(*node)[key];
    }
  }
  return root;
}

// Removes the bookkeeping marks of array items.
void strip_marks(Json& j) {
  if (j.is_object()) {
    j.erase("\x1fpart");
    for (auto& [k, v] : j.items()) strip_marks(v);
  } else if (j.is_array()) {
    for (auto& v : j) strip_marks(v);
  }
}

}  // namespace

void MergeRules::set_duplicate_rule(const std::string& path, Rule rule) {
  rules_[path] = (rules_[path] & ~(kAppend | kMergeByPosition)) | rule;
}

MergeRules MergeRules::from_schema(const Json& schema) {
  MergeRules m;
  if (schema.contains("properties")) collect(schema, schema["properties"], "", 0, m.rules_);
  return m;
}

Json compile_releases(const std::vector<Json>& releases, const MergeRules& rules) {
  Flat flat;
  long unique = 0;
  std::string ocid, date;
  for (const Json* r : by_date(releases)) {
    Flattener f{rules, false, unique, {}};
    std::vector<std::string> path;
    f.flatten(*r, path, "");
    date = release_date(*r);
    if (r->contains("ocid") && (*r)["ocid"].is_string()) ocid = (*r)["ocid"].get<std::string>();
    for (auto& [p, v] : f.out) flat.put(join(p), p).value = std::move(v.first);
  }
  Json start = Json::object();
  start["tag"] = Json::array({"compiled"});
  start["id"] = ocid + "-" + date;
  start["date"] = date;
  Json out = unflatten(flat, start);
  strip_marks(out);
  return out;
}

Json version_releases(const std::vector<Json>& releases, const MergeRules& rules) {
  Flat flat;
  long unique = 0;
  for (const Json* r : by_date(releases)) {
    Flattener f{rules, true, unique, {}};
    std::vector<std::string> path;
    f.flatten(*r, path, "");
    Json meta = Json::object();
    meta["releaseID"] = r->contains("id") ? (*r)["id"] : Json();
    meta["releaseDate"] = release_date(*r);
    meta["releaseTag"] = r->contains("tag") ? (*r)["tag"] : Json();
    for (auto& [p, v] : f.out) {
      Entry& e = flat.put(join(p), p);
      if (v.second || (p.size() == 1 && p[0] == "kocid")) {
        e.value = std::move(v.first);
        e.plain = true;
        continue;
      }
      if (!e.value.is_array()) e.value = Json::array();
      if (!e.value.empty() && e.value.back()["value"] == v.first) continue;
      Json version = meta;
      version["value"] = std::move(v.first);
      e.value.push_back(std::move(version));
    }
  }
  Json out = unflatten(flat, Json::object());
  strip_marks(out);
  return out;
}

}  // namespace procura::ocds
