#pragma once
// The portal's files (templates, message catalogues, styles, scripts and the bundled chart
// library), built into the binary so that `procura serve` needs nothing beside it.
#include <string_view>
#include <vector>

namespace procura {

struct WebFile {
  const char* name;       // "templates/home.mustache", "static/uPlot.iife.min.js"
  std::string_view text;  // the file's content
};

const std::vector<WebFile>& builtin_web_files();

}  // namespace procura
