// The integrity commands on anyone's OCDS data: red-flag indicators, their preparation, and
// field coverage.
#include "cli/integrity_commands.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/input.hpp"
#include "integrity/coverage.hpp"
#include "integrity/flags.hpp"
#include "integrity/prepare.hpp"
#include "io/csv_reader.hpp"
#include "io/flag_settings.hpp"
#include "io/jsonl_stream.hpp"
#include "ocds/merge.hpp"
#include "report/progress.hpp"

namespace procura {

namespace fs = std::filesystem;

int run_coverage(const std::string& coverage_input) {
  integrity::Coverage counts;
  Input input(coverage_input);
  std::istream* in = &input.stream();
  long line_no = 0, skipped = 0;
  for (std::string line; std::getline(*in, line);) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto value = nlohmann::json::parse(line, nullptr, false);
    if (value.is_discarded()) {
      ++skipped;
      std::cerr << fmt::format("{}:{}: invalid JSON, skipped\n", coverage_input, line_no);
      continue;
    }
    counts.add(value);
  }
  std::cout << counts.results().dump() << "\n";
  return 0;
}

int run_prepare(const std::string& prepare_input, const std::string& prepare_settings,
                const std::string& prepare_issues, bool skip_invalid) {
  const auto settings = read_flag_settings(prepare_settings);
  integrity::Preparer preparer(settings);
  std::vector<integrity::PrepareIssue> issues;
  std::ofstream issue_file;
  if (!prepare_issues.empty()) {
    issue_file.open(prepare_issues);
    if (!issue_file) throw InputError(prepare_issues, 0, "", "cannot write the issues file");
  }
  std::ostream* issue_out = prepare_issues.empty() ? &std::cerr : &issue_file;
  auto escape_quotes = [](std::string s) {
    for (std::size_t p = s.find('"'); p != std::string::npos; p = s.find('"', p + 2))
      s.insert(p, 1, '"');
    return s;
  };
  Input input(prepare_input);
  std::istream* in = &input.stream();
  long line_no = 0;
  for (std::string line; std::getline(*in, line);) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto release = ocds::Json::parse(line, nullptr, false);
    if (release.is_discarded() || !release.is_object()) {
      if (!skip_invalid)
        throw InputError(prepare_input == "-" ? "<stdin>" : prepare_input, line_no, "",
                         "expected a JSON object (a compiled release) on each line");
      continue;
    }
    issues.clear();
    preparer.prepare(release, &issues);
    for (const auto& i : issues)
      *issue_out << line_no << ",\"" << escape_quotes(release.value("ocid", std::string())) << "\","
                 << csv_escape(i.path) << "," << csv_escape(i.indexes) << "," << csv_escape(i.value)
                 << "," << i.description << "\n";
    std::cout << release.dump() << '\n';
  }
  return 0;
}

int run_flags(const std::string& flags_input, const std::string& flags_settings, unsigned threads,
              bool skip_invalid, bool no_meta) {
  if (flags_settings.empty())
    throw InputError("--settings", 0, "",
                     "flags needs a settings file naming the indicators to run");
  // Two cores: one parses ahead while two runners fold every release into half of the
  // indicators each (the parse thread is mostly idle once folding dominates).
  const auto settings = read_flag_settings(flags_settings);
  const unsigned parts = threads > 1 ? 2 : 1;
  std::vector<integrity::FlagRunner> runners;
  for (unsigned p = 0; p < parts; ++p) runners.emplace_back(settings, p, parts);
  Input input(flags_input);
  JsonLinesStats stats;
  {
    ProgressBar bar("flags", 1);
    const std::size_t total = flags_input == "-" ? 0 : fs::file_size(flags_input);
    JsonLinesOptions options{threads, skip_invalid,
                             [&](std::size_t bytes) { bar.update(bytes, total); }};
    auto fold = [](integrity::FlagRunner& r, const std::vector<ParsedLine>& lines) {
      for (const auto& l : lines) r.add(integrity::Node(l.root));
    };
    stats = for_each_json_batch(input.stream(), input.name(), options,
                                [&](const std::vector<ParsedLine>& lines) {
                                  if (parts == 1) return fold(runners[0], lines);
                                  std::thread other([&] { fold(runners[1], lines); });
                                  fold(runners[0], lines);
                                  other.join();
                                });
  }
  auto results = runners[0].finish();
  for (unsigned p = 1; p < parts; ++p) results.merge(runners[p].finish());
  std::cout << results.to_json(!no_meta).dump() << "\n";
  if (stats.skipped) std::cerr << stats.skipped << " malformed lines skipped\n";
  return 0;
}

}  // namespace procura
