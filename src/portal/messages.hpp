#pragma once
// The portal's message catalogues (web/i18n/<lang>.json: flat key -> text). English is complete;
// another language falls back to English for a key it lacks (the tests require none to lack).
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "portal/web_files.hpp"

namespace procura {

class Messages {
 public:
  explicit Messages(const std::vector<WebFile>& files);
  // The languages with a catalogue, English first.
  const std::vector<std::string>& languages() const { return languages_; }
  bool has_language(const std::string& lang) const { return catalogues_.count(lang) > 0; }
  // The catalogue of `lang` with English filling its gaps.
  const nlohmann::json& catalogue(const std::string& lang) const;
  // One message; "{name}" placeholders are replaced by `args`.
  std::string text(const std::string& lang, const std::string& key,
                   const std::map<std::string, std::string>& args = {}) const;
  // The language to answer in: `asked` (a query or cookie) when known, else the first known
  // language of an Accept-Language header, else English.
  std::string choose(const std::string& asked, const std::string& accept_language) const;

 private:
  std::vector<std::string> languages_;
  std::map<std::string, nlohmann::json> catalogues_;
};

}  // namespace procura
