#pragma once
// Pages from Mustache templates (web/templates/<name>.mustache) and a JSON view; templates named
// "_nav" are partials ({{> _nav}}). Values are HTML-escaped unless written {{{triple}}};
// an empty string, 0 and null are false in a section.
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "portal/web_files.hpp"

namespace procura {

class Renderer {
 public:
  // Checks every template once; throws naming the template and the error.
  explicit Renderer(const std::vector<WebFile>& files);
  // Renders template `name` with `view`; throws std::out_of_range for an unknown name.
  std::string render(const std::string& name, const nlohmann::json& view) const;

 private:
  std::map<std::string, std::string> templates_;
};

}  // namespace procura
