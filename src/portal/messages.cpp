#include "portal/messages.hpp"

#include <cctype>
#include <stdexcept>

namespace procura {

Messages::Messages(const std::vector<WebFile>& files) {
  const std::string prefix = "i18n/", suffix = ".json";
  for (const auto& f : files) {
    const std::string name = f.name;
    if (name.rfind(prefix, 0) != 0 || name.size() <= prefix.size() + suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const std::string lang =
        name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    auto j = nlohmann::json::parse(f.text, nullptr, false);
    if (!j.is_object()) throw std::runtime_error(name + ": expected a JSON object of messages");
    catalogues_[lang] = std::move(j);
  }
  if (!catalogues_.count("en")) throw std::runtime_error("i18n/en.json is missing");
  const auto& en = catalogues_["en"];
  for (auto& [lang, c] : catalogues_) {
    for (const auto& [k, v] : en.items())
      if (!c.contains(k)) c[k] = v;
    if (lang != "en") languages_.push_back(lang);
  }
  languages_.insert(languages_.begin(), "en");
}

const nlohmann::json& Messages::catalogue(const std::string& lang) const {
  auto it = catalogues_.find(lang);
  return it == catalogues_.end() ? catalogues_.at("en") : it->second;
}

std::string Messages::text(const std::string& lang, const std::string& key,
                           const std::map<std::string, std::string>& args) const {
  const auto& c = catalogue(lang);
  auto it = c.find(key);
  std::string out = it != c.end() && it->is_string() ? it->get<std::string>() : key;
  for (const auto& [name, value] : args) {
    const std::string tag = "{" + name + "}";
    for (auto at = out.find(tag); at != std::string::npos; at = out.find(tag, at + value.size()))
      out.replace(at, tag.size(), value);
  }
  return out;
}

std::string Messages::choose(const std::string& asked, const std::string& accept_language) const {
  if (has_language(asked)) return asked;
  // "mn-MN,mn;q=0.9,en;q=0.8": the first language with a catalogue, in the header's order.
  std::size_t at = 0;
  while (at < accept_language.size()) {
    auto end = accept_language.find(',', at);
    if (end == std::string::npos) end = accept_language.size();
    std::string tag = accept_language.substr(at, end - at);
    tag = tag.substr(0, tag.find(';'));
    tag = tag.substr(0, tag.find('-'));
    std::string lang;
    for (char ch : tag)
      if (!std::isspace(static_cast<unsigned char>(ch)))
        lang += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (has_language(lang)) return lang;
    at = end + 1;
  }
  return "en";
}

}  // namespace procura
