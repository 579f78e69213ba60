#include "portal/renderer.hpp"

#include <kainjow/mustache.hpp>
#include <stdexcept>

namespace procura {

namespace mstch = kainjow::mustache;

namespace {

mstch::data to_data(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      mstch::data d{mstch::data::type::object};
      for (const auto& [k, v] : j.items()) d.set(k, to_data(v));
      return d;
    }
    case nlohmann::json::value_t::array: {
      mstch::data d{mstch::data::type::list};
      for (const auto& v : j) d.push_back(to_data(v));
      return d;
    }
    case nlohmann::json::value_t::string:  // "" is false in a section, like a missing value
      if (j.get_ref<const std::string&>().empty())
        return mstch::data(mstch::data::type::bool_false);
      return mstch::data(j.get_ref<const std::string&>());
    case nlohmann::json::value_t::boolean:
      return mstch::data(j.get<bool>() ? mstch::data::type::bool_true
                                       : mstch::data::type::bool_false);
    case nlohmann::json::value_t::null:
      return mstch::data(mstch::data::type::bool_false);
    default:  // numbers (formatted text is made by the pages); 0 is false in a section
      if (j.is_number() && j == 0) return mstch::data(mstch::data::type::bool_false);
      return mstch::data(j.dump());
  }
}

}  // namespace

Renderer::Renderer(const std::vector<WebFile>& files) {
  const std::string prefix = "templates/", suffix = ".mustache";
  for (const auto& f : files) {
    const std::string name = f.name;
    if (name.rfind(prefix, 0) != 0 || name.size() <= prefix.size() + suffix.size()) continue;
    const std::string id = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    mstch::mustache check{std::string(f.text)};
    if (!check.is_valid()) throw std::runtime_error(name + ": " + check.error_message());
    templates_[id] = std::string(f.text);
  }
}

std::string Renderer::render(const std::string& name, const nlohmann::json& view) const {
  mstch::mustache page{templates_.at(name)};
  mstch::data data = to_data(view);
  for (const auto& [id, text] : templates_) {
    if (id[0] != '_') continue;  // partials are the templates named "_..."
    const std::string* t = &text;
    data.set(id, mstch::partial([t] { return *t; }));
  }
  std::string out = page.render(data);
  if (!page.is_valid()) throw std::runtime_error(name + ".mustache: " + page.error_message());
  return out;
}

}  // namespace procura
