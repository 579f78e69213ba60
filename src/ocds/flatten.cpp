#include "ocds/flatten.hpp"

#include <algorithm>
#include <charconv>

#include "core/error.hpp"

namespace procura::ocds {

namespace {

bool objects_only(const Json& array) {
  if (array.empty()) return false;
  for (const auto& v : array)
    if (!v.is_object()) return false;
  return true;
}

bool scalars_only(const Json& array) {
  for (const auto& v : array)
    if (v.is_structured()) return false;
  return true;
}

std::string scalar_text(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

struct Context {
  std::string table;                // "awards_items"
  std::string prefix;               // "awards/0/items/0/"
  std::vector<FlatCell> ancestors;  // ocid, id, awards/0/id
};

void flatten_object(const Json& object, const Context& ctx, FlatRow& row,
                    std::vector<std::pair<const Json*, Context>>& children) {
  for (const auto& [key, value] : object.items()) {
    const std::string path = ctx.prefix + key;
    if (value.is_object()) {
      Context inner = ctx;
      inner.prefix = path + "/";
      flatten_object(value, inner, row, children);
    } else if (value.is_array() && objects_only(value)) {
      Context child;
      // The table is named by the path's keys, without the array indexes.
      std::string keys;
      for (std::size_t start = 0; start <= path.size();) {
        auto end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        const std::string part = path.substr(start, end - start);
        if (part != "0") keys += (keys.empty() ? "" : "_") + part;
        start = end + 1;
      }
      child.table = keys;
      child.prefix = path + "/0/";
      children.emplace_back(&value, std::move(child));
    } else if (value.is_array()) {
      if (!scalars_only(value)) {
        row.cells.push_back({path, value.dump(), false});
        continue;
      }
      std::string joined;
      for (const auto& v : value) joined += (joined.empty() ? "" : ";") + scalar_text(v);
      row.cells.push_back({path, joined, false});
    } else {
      row.cells.push_back({path, scalar_text(value), value.is_number()});
    }
  }
}

// The element's row, then its children's rows, linked to it by its id.
void flatten_rows(const Json& element, const Context& ctx,
                  const std::function<void(FlatRow&&)>& emit) {
  FlatRow row{ctx.table, ctx.ancestors};
  std::vector<std::pair<const Json*, Context>> children;
  flatten_object(element, ctx, row, children);
  emit(std::move(row));
  std::vector<FlatCell> linked = ctx.ancestors;  // what ties the children to this element
  if (ctx.table == "main" && element.contains("ocid"))
    linked.push_back({"ocid", scalar_text(element["ocid"]), false});
  if (element.contains("id"))
    linked.push_back({ctx.prefix + "id", scalar_text(element["id"]), element["id"].is_number()});
  for (auto& [array, child] : children) {
    child.ancestors = linked;
    for (const auto& e : *array) flatten_rows(e, child, emit);
  }
}

std::vector<std::string> split_path(const std::string& column) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= column.size()) {
    auto end = column.find('/', start);
    if (end == std::string::npos) end = column.size();
    out.push_back(column.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool has_type(const Json& schema, const char* type) {
  if (!schema.contains("type")) return false;
  const Json& t = schema["type"];
  if (t.is_string()) return t == type;
  for (const auto& x : t)
    if (x == type) return true;
  return false;
}

}  // namespace

void flatten_release(const Json& release, const std::function<void(FlatRow&&)>& row) {
  Context main;
  main.table = "main";
  flatten_rows(release, main, [&](FlatRow&& r) {
    if (r.table == "main")  // ocid and id lead the main table, as in the child tables
      std::stable_partition(r.cells.begin(), r.cells.end(), [](const FlatCell& c) {
        return c.column == "ocid" || c.column == "id";
      });
    if (r.table == "main" && r.cells.size() > 1 && r.cells[1].column == "ocid")
      std::swap(r.cells[0], r.cells[1]);
    row(std::move(r));
  });
}

// --- Unflattening -----------------------------------------------------------------------------

const Json* Unflattener::schema_at(const std::vector<std::string>& path) const {
  const Json* s = &schema_;
  auto resolve = [&](const Json* node) -> const Json* {
    while (node && node->contains("$ref")) {
      const std::string ref = (*node)["$ref"].get<std::string>();
      const std::string prefix = "#/definitions/";
      if (ref.rfind(prefix, 0) != 0 || !schema_.contains("definitions")) return nullptr;
      auto it = schema_["definitions"].find(ref.substr(prefix.size()));
      node = it == schema_["definitions"].end() ? nullptr : &*it;
    }
    return node;
  };
  s = resolve(s);
  for (const auto& part : path) {
    if (!s) return nullptr;
    if (part == "0") {
      if (!s->contains("items")) return nullptr;
      s = resolve(&(*s)["items"]);
      continue;
    }
    if (!s->contains("properties") || !(*s)["properties"].contains(part)) return nullptr;
    s = resolve(&(*s)["properties"][part]);
  }
  return s;
}

Json Unflattener::typed(const std::vector<std::string>& path, const std::string& text) const {
  const Json* s = schema_at(path);
  auto fail = [&](const char* expected) {
    std::string column;
    for (const auto& p : path) column += (column.empty() ? "" : "/") + p;
    throw RuleError("column " + column + ": expected " + expected + ", got '" + text + "'");
  };
  if (!s) return text;
  if (has_type(*s, "array")) {
    Json out = Json::array();
    std::vector<std::string> item_path = path;
    item_path.push_back("0");
    std::size_t start = 0;
    while (start <= text.size()) {
      auto end = text.find(';', start);
      if (end == std::string::npos) end = text.size();
      out.push_back(typed(item_path, text.substr(start, end - start)));
      start = end + 1;
    }
    return out;
  }
  if (has_type(*s, "integer") && !has_type(*s, "string")) {
    long long v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size()) fail("an integer");
    return v;
  }
  if (has_type(*s, "number") && !has_type(*s, "string")) {
    Json v = Json::parse(text, nullptr, false);
    if (v.is_discarded() || !v.is_number()) fail("a number");
    return v;
  }
  if (has_type(*s, "boolean") && !has_type(*s, "string")) {
    if (text != "true" && text != "false") fail("true or false");
    return text == "true";
  }
  return text;
}

void Unflattener::add(const std::string& table, const std::vector<std::string>& header,
                      const std::vector<std::string>& values) {
  auto value_of = [&](const std::string& column) -> const std::string* {
    for (std::size_t i = 0; i < header.size() && i < values.size(); ++i)
      if (header[i] == column) return &values[i];
    return nullptr;
  };
  const std::string* ocid = value_of("ocid");
  const std::string* id = value_of("id");
  if (!ocid || !id) throw RuleError("table " + table + ": a row needs the columns ocid and id");
  const auto key = std::make_pair(*ocid, *id);
  Json* release = nullptr;
  if (table == "main") {
    auto [it, fresh] = index_.emplace(key, releases_.size());
    if (fresh) releases_.push_back(Json::object());
    release = &releases_[it->second];
  } else {
    auto it = index_.find(key);
    if (it == index_.end())
      throw RuleError("table " + table + ": release " + *ocid + " / " + *id +
                      " is not in the main table");
    release = &releases_[it->second];
  }
  // The deepest array level of a child table is this row's own element: created once per row.
  std::size_t own_depth = 0;
  for (const auto& column : header) {
    std::size_t n = 0;
    for (const auto& p : split_path(column)) n += p == "0";
    own_depth = std::max(own_depth, n);
  }
  std::map<std::string, Json*> own;  // array path -> this row's element
  for (std::size_t i = 0; i < header.size() && i < values.size(); ++i) {
    if (values[i].empty()) continue;
    const auto path = split_path(header[i]);
    if (table != "main" && (header[i] == "ocid" || header[i] == "id")) continue;
    Json* node = release;
    std::size_t depth = 0;
    std::string array_path;
    for (std::size_t k = 0; k + 1 < path.size(); ++k) {
      const std::string& part = path[k];
      array_path += part + "/";
      if (part != "0") {
        if (node->is_null()) *node = Json::object();
        if (!node->is_object())
          throw RuleError("column " + header[i] + ": " + part + "'s parent is not an object");
        node = &(*node)[part];
        continue;
      }
      ++depth;
      if (!node->is_array()) *node = Json::array();
      if (depth == own_depth) {  // this row's element
        auto [it, fresh] = own.emplace(array_path, nullptr);
        if (fresh) {
          node->push_back(Json::object());
          it->second = &node->back();
        }
        node = it->second;
        continue;
      }
      // An ancestor element, found by its id column.
      const std::string* parent_id = value_of(array_path + "id");
      Json* found = nullptr;
      for (auto& e : *node)
        if (parent_id && e.contains("id") && scalar_text(e["id"]) == *parent_id) found = &e;
      if (!found) {
        node->push_back(Json::object());
        found = &node->back();
        if (parent_id) (*found)["id"] = typed(split_path(array_path + "id"), *parent_id);
      }
      node = found;
    }
    if (!node->is_object()) *node = Json::object();
    (*node)[path.back()] = typed(path, values[i]);
  }
}

std::vector<Json> Unflattener::releases() const {
  return releases_;
}

}  // namespace procura::ocds
