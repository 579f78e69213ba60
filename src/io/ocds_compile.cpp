#include "io/ocds_compile.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>
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

// Writes records as JSON lines of compiled releases or as a streamed record package. Records are
// rendered to text (any thread) and then written in order.
class RecordWriter {
 public:
  RecordWriter(std::ostream& out, const CompileOptions& o) : out_(out), o_(o) {
    if (o_.package)
      out_ << "{\"uri\":" << Json(o_.uri).dump()
           << ",\"version\":\"1.1\",\"publisher\":{\"name\":\"Procura\"},\"records\":[";
  }
  // One record's text (a compiled release line, or a record of the package) and its date.
  struct Rendered {
    std::string text, date;
  };
  Rendered render(const std::string& ocid, std::vector<Json>& releases,
                  const ocds::MergeRules& rules) const {
    try {
      return render_record(ocid, releases, rules);
    } catch (const std::invalid_argument& e) {
      throw InputError("record " + ocid, 0, "", e.what());
    }
  }
  Rendered render_record(const std::string& ocid, std::vector<Json>& releases,
                         const ocds::MergeRules& rules) const {
    Json compiled = ocds::compile_releases(releases, rules);
    if (!o_.package) return {compiled.dump() + '\n', ""};
    std::string date = compiled.value("date", std::string());
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
    return {record.dump(), date};
  }
  void write(const Rendered& r) {
    latest_ = std::max(latest_, r.date);
    out_ << (o_.package && !first_ ? "," : "") << r.text;
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

// Groups releases by OCID in order of first appearance.
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
  // Every group's record, in order.
  std::vector<RecordWriter::Rendered> render(const RecordWriter& writer,
                                             const ocds::MergeRules& rules) {
    std::vector<RecordWriter::Rendered> out;
    out.reserve(groups.size());
    for (auto& [ocid, releases] : groups) out.push_back(writer.render(ocid, releases, rules));
    return out;
  }
};

// Reads one spilled bucket back and renders its records.
std::vector<RecordWriter::Rendered> merge_bucket(const fs::path& file, const RecordWriter& writer,
                                                 const ocds::MergeRules& rules) {
  Grouper bucket;
  std::ifstream f(file, std::ios::binary);
  std::string line;
  while (std::getline(f, line)) bucket.add(Json::parse(line));
  return bucket.render(writer, rules);
}

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
  auto write_all = [&](const std::vector<RecordWriter::Rendered>& records) {
    for (const auto& r : records) writer.write(r);
    stats.records += static_cast<long>(records.size());
  };
  if (spill.empty()) {
    write_all(memory.render(writer, rules));
  } else {
    // Buckets are merged `threads` at a time and written in bucket order.
    for (auto& f : spill) f.close();
    const int threads = static_cast<int>(std::max(1u, o.threads));
    for (int first = 0; first < stats.buckets; first += threads) {
      const int n = std::min(threads, stats.buckets - first);
      std::vector<std::vector<RecordWriter::Rendered>> done(n);
      std::vector<std::exception_ptr> errors(n);
      std::vector<std::thread> pool;
      for (int k = 1; k < n; ++k)
        pool.emplace_back([&, k] {
          try {
            done[k] = merge_bucket(tmp->path() / std::to_string(first + k), writer, rules);
          } catch (...) {
            errors[k] = std::current_exception();
          }
        });
      try {
        done[0] = merge_bucket(tmp->path() / std::to_string(first), writer, rules);
      } catch (...) {
        errors[0] = std::current_exception();
      }
      for (auto& t : pool) t.join();
      for (int k = 0; k < n; ++k) {
        if (errors[k]) std::rethrow_exception(errors[k]);
        write_all(done[k]);
      }
    }
  }
  writer.finish();
  return stats;
}

}  // namespace procura
