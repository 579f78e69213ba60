#include "io/ocds_compile.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <unordered_map>

#include "core/error.hpp"
#include "io/ocds_reader.hpp"
#include "io/temp_dir.hpp"
#include "ocds/merge.hpp"

namespace procura {

namespace fs = std::filesystem;
using ocds::Json;

namespace {}  // namespace

Json load_release_schema(const std::string& path) {
  if (path.empty()) return Json::parse(builtin_release_schema());
  std::ifstream f(path);
  if (!f) throw InputError(path, 0, "", "cannot open the schema");
  try {
    return Json::parse(f);
  } catch (const Json::parse_error& e) {
    throw InputError(path, 0, "", std::string("malformed JSON schema: ") + e.what());
  }
}

namespace {

// Writes records as JSON lines of compiled releases or as a streamed record package.
class RecordWriter {
 public:
  RecordWriter(std::ostream& out, const CompileOptions& o) : out_(out), o_(o) {
    if (o_.package)
      out_ << "{\"uri\":" << Json(o_.uri).dump()
           << ",\"version\":\"1.1\",\"publisher\":{\"name\":\"Procura\"},\"records\":[";
  }
  void write(const std::string& ocid, std::vector<Json>& releases, const ocds::MergeRules& rules) {
    Json compiled = ocds::compile_releases(releases, rules);
    if (!o_.package) {
      out_ << compiled.dump() << '\n';
      return;
    }
    latest_ = std::max(latest_, compiled.value("date", std::string()));
    Json record = Json::object();
    record["ocid"] = ocid;
    Json list = Json::array();
    for (auto& r : releases) {
      if (!o_.linked) {
        list.push_back(r);
        continue;
      }
      Json link = Json::object();
      link["url"] = o_.uri + "#" + (r.contains("id") ? r["id"].dump() : std::string("?"));
      link["date"] = r["date"];
      if (r.contains("tag")) link["tag"] = r["tag"];
      list.push_back(std::move(link));
    }
    record["releases"] = std::move(list);
    record["compiledRelease"] = std::move(compiled);
    if (o_.versioned) record["versionedRelease"] = ocds::version_releases(releases, rules);
    out_ << (first_ ? "" : ",") << record.dump();
    first_ = false;
  }
  void finish() {
    if (o_.package)
      out_ << "],\"publishedDate\":"
           << Json(latest_.empty() ? "1970-01-01T00:00:00Z" : latest_).dump() << "}\n";
  }

 private:
  std::ostream& out_;
  const CompileOptions& o_;
  bool first_ = true;
  std::string latest_;
};

// Groups releases by OCID in order of first appearance and writes each group's record.
void merge_groups(std::vector<std::pair<std::string, std::vector<Json>>>& groups,
                  RecordWriter& writer, const ocds::MergeRules& rules, CompileStats& stats) {
  for (auto& [ocid, releases] : groups) {
    writer.write(ocid, releases, rules);
    ++stats.records;
  }
}

struct Grouper {
  std::vector<std::pair<std::string, std::vector<Json>>> groups;
  std::unordered_map<std::string, std::size_t> index;
  void add(Json&& release) {
    std::string ocid =
        release["ocid"].is_string() ? release["ocid"].get<std::string>() : release["ocid"].dump();
    auto [it, fresh] = index.emplace(ocid, groups.size());
    if (fresh) groups.emplace_back(ocid, std::vector<Json>{});
    groups[it->second].second.push_back(std::move(release));
  }
};

}  // namespace

CompileStats compile_ocds(const std::vector<std::string>& inputs, std::ostream& out,
                          const CompileOptions& o,
                          const std::function<void(std::size_t, std::size_t)>& progress) {
  const auto rules = ocds::MergeRules::from_schema(load_release_schema(o.schema_path));
  CompileStats stats;
  std::size_t total = 0;
  bool stdin_used = false;
  for (const auto& in : inputs) {
    if (in == "-")
      stdin_used = true;
    else if (!fs::exists(in))
      throw InputError(in, 0, "", "no such file");
    else
      total += fs::file_size(in);
  }
  stats.buckets = o.buckets > 0 ? o.buckets
                  : stdin_used
                      ? 64
                      : static_cast<int>(std::min<std::size_t>(4096, total / (64u << 20) + 1));

  std::unique_ptr<TempDir> tmp;
  std::vector<std::ofstream> spill;
  Grouper memory;
  if (stats.buckets > 1) {
    tmp = std::make_unique<TempDir>(o.temp_dir, "procura-compile");
    for (int b = 0; b < stats.buckets; ++b)
      spill.emplace_back(tmp->path() / std::to_string(b), std::ios::binary);
  }
  std::size_t done_before = 0;
  for (const auto& name : inputs) {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (name != "-") {
      file.open(name, std::ios::binary);
      if (!file) throw InputError(name, 0, "", "cannot open the file");
      in = &file;
    }
    auto r = read_ocds_releases(
        *in, name == "-" ? "<stdin>" : name, o.skip_invalid,
        [&](Json&& release, long) {
          if (spill.empty()) return memory.add(std::move(release));
          const std::string ocid = release["ocid"].dump();
          spill[std::hash<std::string>{}(ocid) % spill.size()] << release.dump() << '\n';
        },
        [&](std::size_t bytes) {
          if (progress) progress(done_before + bytes, total);
        });
    if (name != "-") done_before += fs::file_size(name);
    stats.releases += r.items;
    stats.skipped += r.skipped;
    stats.linked += r.linked;
  }

  RecordWriter writer(out, o);
  if (spill.empty()) {
    merge_groups(memory.groups, writer, rules, stats);
  } else {
    for (auto& f : spill) f.close();
    for (int b = 0; b < stats.buckets; ++b) {
      Grouper bucket;
      std::ifstream f(tmp->path() / std::to_string(b), std::ios::binary);
      std::string line;
      while (std::getline(f, line)) bucket.add(Json::parse(line));
      merge_groups(bucket.groups, writer, rules, stats);
    }
  }
  writer.finish();
  return stats;
}

}  // namespace procura
