// procura: one binary, one subcommand per task. Exit codes: 0 success, 1 bad input (the message
// names the file, line and field), 2 bad command line, 3 any other failure.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

#include "award/engine.hpp"
#include "award/index.hpp"
#include "cli/draw_commands.hpp"
#include "cli/input.hpp"
#include "cli/integrity_commands.hpp"
#include "cli/keyholder_commands.hpp"
#include "cli/round_verify.hpp"
#include "cli/serve.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "integrity/coverage.hpp"
#include "integrity/flags.hpp"
#include "integrity/prepare.hpp"
#include "io/csv_reader.hpp"
#include "io/flag_settings.hpp"
#include "io/jsonl_stream.hpp"
#include "io/ocds_compile.hpp"
#include "io/ocds_reader.hpp"
#include "io/ocds_tables.hpp"
#include "io/ocds_validate.hpp"
#include "io/round_files.hpp"
#include "ocds/round_releases.hpp"
#include "platform/secrets.hpp"
#include "report/progress.hpp"
#include "report/report.hpp"
#include "storage/sqlite_store.hpp"
#include "tender/commitment.hpp"

#ifndef PROCURA_SOURCE_DIR
#define PROCURA_SOURCE_DIR "."
#endif

namespace fs = std::filesystem;
using namespace procura;

namespace {

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream f(path, std::ios::binary);
  f << text;
  if (!f) throw std::runtime_error("cannot write " + path.string());
}

ImportOutcome import_folder(const std::string& dir, const std::string& db_path,
                            std::string* round_id) {
  LoadedRound loaded;
  {
    ProgressBar bar("reading " + fs::path(dir).filename().string(), 1);
    loaded = load_round_folder(
        dir, [&](std::size_t done, std::size_t total) { bar.update(done, total); });
  }
  RoundIndex check(loaded.input);  // references and duplicates, before anything is stored
  (void)check;
  SqliteStore store(db_path);
  ProgressBar bar("importing", 1);
  auto outcome = store.import_round(loaded.input, loaded.digest,
                                    [&](std::size_t d, std::size_t t) { bar.update(d, t); });
  if (round_id) *round_id = loaded.input.id;
  return outcome;
}

// Commands that read a database refuse one that does not exist, rather than leave an empty one.
void require_database(const std::string& db) {
  if (!fs::exists(db))
    throw InputError("--db", 0, "",
                     "no database '" + db +
                         "': import a round first (procura round import DIR --db " + db + ")");
}

// Bids stay sealed until the opening time and access prices until the negotiation ends: a
// round is decided only after both.
void check_unsealed(const RoundInput& in, const std::string& now) {
  if (now < in.timeline.bid_opening)
    throw RuleError("bids of round '" + in.id + "' are sealed until " + in.timeline.bid_opening +
                    " (now " + now + ")");
  if (!in.timeline.negotiation_end.empty() && now < in.timeline.negotiation_end)
    throw RuleError("the negotiation of round '" + in.id + "' is open until " +
                    in.timeline.negotiation_end + "; access prices stay sealed until then (now " +
                    now + ")");
}

// Runs a stored round and writes every output; returns the path of the HTML report.
fs::path run_stored(const std::string& db_path, const std::string& round_id, const fs::path& out,
                    bool quiet, const std::string& now) {
  SqliteStore store(db_path);
  ProgressBar bar("running " + round_id, 5);
  RoundInput in = store.load_round(round_id);
  check_unsealed(in, now.empty() ? SystemClock().now_utc() : now);
  bar.update(1);
  RoundResult r = run_round(in);
  bar.update(2);
  const auto results = result_json(in, r);
  write_file(out / "results.json", results.dump(2) + "\n");
  write_result_csv(in, r, (out / "csv").string());
  write_file(out / "report.html", html_report(in, r));
  bar.update(3);
  fs::create_directories(out / "ocds");
  {
    std::ofstream package(out / "ocds" / "release-package.json", std::ios::binary);
    std::ofstream lines(out / "ocds" / "releases.jsonl", std::ios::binary);
    write_round_ocds(in, r, package, lines);
    if (!package || !lines) throw std::runtime_error("cannot write " + (out / "ocds").string());
  }
  bar.update(4);
  store.save_results(round_id, results.dump());
  if (!quiet) print_summary(in, r, std::cout);
  return out / "report.html";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Procura: strategic, transparent health purchasing — joint volume-based procurement rounds"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "procura 0.1.0");

  auto* round =
      app.add_subcommand("round", "Import, check and run a joint volume-based procurement round");
  round->require_subcommand(1);

  std::string dir, db = "procura.db", round_id, out = "out", now;
  bool quiet = false;
  auto* check = round->add_subcommand(
      "check", "Read a round folder and report every input error without storing anything");
  check
      ->add_option("dir", dir, "Round folder (round.json and CSV tables; see docs/round-inputs.md)")
      ->required()
      ->check(CLI::ExistingDirectory);

  auto* import = round->add_subcommand(
      "import", "Store a round folder in the database (idempotent, all or nothing)");
  import->add_option("dir", dir, "Round folder")->required()->check(CLI::ExistingDirectory);
  import->add_option("--db", db, "SQLite database file (created and migrated on first use)")
      ->capture_default_str();

  auto* run =
      round->add_subcommand("run", "Run steps 0-7 of a stored round and publish its results");
  run->add_option("round", round_id, "Round id")->required();
  run->add_option("--db", db, "SQLite database file")->capture_default_str();
  run->add_option("--out", out, "Output folder: results.json, report.html, csv/, ocds/")
      ->capture_default_str();
  run->add_flag("--quiet", quiet, "Do not print the summary table");
  run->add_option("--now", now,
                  "Decide as of this UTC time (YYYY-MM-DDTHH:MM:SSZ) instead of the clock, e.g. to "
                  "replay a round")
      ->check([](const std::string& v) {
        return v.size() == 20 && v[10] == 'T' && v[19] == 'Z'
                   ? std::string()
                   : std::string("expected a UTC time such as 2020-07-11T00:00:00Z");
      });

  std::string open_data;
  std::size_t most_shown = 50;
  auto* verify_cmd = round->add_subcommand(
      "verify",
      "Recompute an awarded round from its open data (GET /api/rounds/{id}/open-data); exit 1 on "
      "any difference");
  verify_cmd->add_option("open-data", open_data, "The round's open data (JSON; - for stdin)")
      ->required();
  verify_cmd->add_option("--most", most_shown, "Differences shown per document (default 50)");
  std::string deadline_bids;
  verify_cmd->add_option("--bids-at-deadline", deadline_bids,
                         "The round's bids as you saved them after the deadline (GET "
                         "/api/rounds/{id}/bids): their commitments must be the opened bids'");
  auto* list = round->add_subcommand("list", "List the rounds in a database");
  list->add_option("--db", db, "SQLite database file")->capture_default_str();

  auto* profile = app.add_subcommand("profile", "Show the built-in rule profiles");
  profile->require_subcommand(1);
  auto* plist = profile->add_subcommand("list", "List the built-in rule profiles");
  std::string profile_id;
  auto* pshow =
      profile->add_subcommand("show", "Print a profile as JSON, with its rules in plain words");
  pshow->add_option("id", profile_id, "Profile id")->required();

  auto* bid = app.add_subcommand("bid", "Sealed bids");
  bid->require_subcommand(1);
  auto* commit =
      bid->add_subcommand("commit", "Print the commitment hash a bidder publishes at submission");
  std::string product, price, nonce;
  commit->add_option("--round", round_id, "Round id")->required();
  commit->add_option("--product", product, "Product id")->required();
  commit->add_option("--price", price, "Unit price, e.g. 1234.56 (0: a withdrawal)")->required();
  commit->add_option("--nonce", nonce, "Secret random text chosen by the bidder")->required();
  auto* bid_open = bid->add_subcommand(
      "open",
      "Open sealed bids (hex, one per line on standard input) with a round's opening secret key, "
      "published at the opening; prints each bid's JSON; exit 1 if a box does not open");
  std::string secret_key;
  bid_open->add_option("--secret-key", secret_key, "The round's openingSecretKey (hex)")
      ->required();

  KeyholderCommands keyholder;
  add_keyholder_commands(app, keyholder);
  DrawCommands draw;
  add_draw_commands(app, draw);

  auto* ocds =
      app.add_subcommand("ocds", "Tools for anyone's OCDS data: compile, validate, convert");
  ocds->require_subcommand(1);
  auto* compile = ocds->add_subcommand(
      "compile",
      "Merge releases into compiled releases (JSON lines) or a record package, per OCID");
  std::vector<std::string> inputs;
  std::string output;
  CompileOptions copt;
  compile->add_option(
      "inputs", inputs,
      "Release packages, record packages, arrays or JSON lines; - for standard input");
  compile->add_option("-o,--output", output, "Write here instead of standard output");
  compile
      ->add_option("--schema", copt.schema_path,
                   "Release schema whose merge rules apply (default: built-in OCDS 1.1.5)")
      ->check(CLI::ExistingFile);
  compile->add_flag("--package", copt.package,
                    "Write a record package (records with releases and compiledRelease)");
  compile->add_flag("--versioned", copt.versioned,
                    "Add each record's versionedRelease (implies --package)");
  compile->add_flag("--linked-releases", copt.linked,
                    "In records, list linked releases (url, date, tag) instead of whole releases");
  compile->add_flag("--skip-invalid", copt.skip_invalid,
                    "Skip and count malformed lines instead of stopping");
  compile
      ->add_option("--buckets", copt.buckets,
                   "Spill buckets on disk (default: one per 64 MiB of input; 1 = in memory)")
      ->check(CLI::Range(1, 65536));
  copt.threads = default_parse_threads();
  compile
      ->add_option("-j,--threads", copt.threads,
                   "Threads merging spilled buckets (output unchanged); default: the cores")
      ->check(CLI::Range(1u, 256u));
  compile->add_option("--tmpdir", copt.temp_dir,
                      "Folder for the spill buckets (default: the system's temporary folder)");
  compile
      ->add_option("--uri", copt.uri, "The package's uri (and the base of linked releases' urls)")
      ->capture_default_str();

  auto* validate = ocds->add_subcommand(
      "validate",
      "Validate releases, records and packages against the OCDS 1.1.5 schema (exit 1 if invalid)");
  std::vector<std::string> validate_inputs;
  ValidateOptions vopt;
  validate->add_option("inputs", validate_inputs,
                       "Files (packages, releases, records or JSON lines); - for standard input");
  validate
      ->add_option("--schema-dir", vopt.schema_dir,
                   "Folder with release-, release-package-, record-package- and "
                   "versioned-release-validation-schema.json")
      ->check(CLI::ExistingDirectory);
  validate
      ->add_option("--extension", vopt.extension_dirs,
                   "Folder of an extension (its release-schema.json); repeatable")
      ->allow_extra_args(false)
      ->check(CLI::ExistingDirectory);
  validate->add_flag("--skip-invalid", vopt.skip_invalid,
                     "Skip and count malformed JSON lines instead of stopping");

  auto* convert = ocds->add_subcommand(
      "convert",
      "Convert releases between JSON lines, a release package and flat tables (CSV, XLSX)");
  std::vector<std::string> convert_inputs;
  std::string convert_to = "jsonl", convert_uri = "urn:procura:converted", convert_out,
              convert_schema;
  convert->add_option("inputs", convert_inputs,
                      "Packages, records, arrays or JSON lines; - for standard input; or a "
                      "folder of CSV tables written by --to csv");
  convert
      ->add_option("--to", convert_to,
                   "jsonl (one release per line), package (a release package), csv (a folder "
                   "of tables, flatten-tool's layout) or xlsx (a workbook, a sheet per table)")
      ->check(CLI::IsMember({"jsonl", "package", "csv", "xlsx"}))
      ->capture_default_str();
  convert->add_option("-o,--out", convert_out, "Folder (csv) or file (xlsx) to write");
  convert->add_option("--schema", convert_schema,
                      "Release schema typing values read from CSV tables (default: OCDS 1.1.5)");
  std::vector<std::string> convert_extensions;
  convert
      ->add_option("--extension", convert_extensions,
                   "Folder of an extension whose release-schema.json types more CSV columns "
                   "(e.g. bids); repeatable")
      ->allow_extra_args(false)
      ->check(CLI::ExistingDirectory);
  convert->add_option("--uri", convert_uri, "The package's uri")->capture_default_str();
  convert->add_flag("--skip-invalid", copt.skip_invalid,
                    "Skip and count malformed lines instead of stopping");

  auto* flags = app.add_subcommand(
      "flags",
      "Red-flag indicators on compiled releases (JSON lines), with Cardinal's settings and output");
  std::string flags_input = "-", flags_settings;
  bool no_meta = false;
  flags->add_option("file", flags_input, "Compiled releases, one per line; - for standard input")
      ->capture_default_str();
  flags
      ->add_option("-s,--settings", flags_settings,
                   "Settings file (INI): the indicators to run and their settings")
      ->check(CLI::ExistingFile);
  flags->add_flag("--no-meta", no_meta, "Leave out the \"Meta\" key (quartiles and fences)");
  flags->add_flag("--skip-invalid", copt.skip_invalid,
                  "Skip and count malformed lines instead of stopping");
  unsigned threads = default_parse_threads();
  flags
      ->add_option("-j,--threads", threads,
                   "Threads parsing JSON (1: everything on one thread); default: the cores")
      ->check(CLI::Range(1u, 256u));
  flags->require_subcommand(0, 1);
  auto* prepare = flags->add_subcommand("prepare",
                                        "Fix data-quality issues before flags (Cardinal's prepare "
                                        "settings): defaults, redactions, corrections");
  std::string prepare_input = "-", prepare_settings;
  prepare
      ->add_option("file", prepare_input, "Compiled releases, one per line; - for standard input")
      ->capture_default_str();
  prepare->add_option("-s,--settings", prepare_settings, "Settings file (INI)")
      ->required()
      ->check(CLI::ExistingFile);
  prepare->add_flag("--skip-invalid", copt.skip_invalid,
                    "Skip malformed lines instead of stopping");
  std::string prepare_issues;
  prepare->add_option("--issues", prepare_issues,
                      "Write the quality issues (CSV rows: line, ocid, path, array indexes, "
                      "incorrect value, description) to this file instead of standard error");

  auto* coverage = app.add_subcommand(
      "coverage", "Count how often each field of JSON lines (e.g. compiled releases) is non-empty");
  std::string coverage_input = "-";
  coverage->add_option("file", coverage_input, "JSON lines; - for standard input")
      ->capture_default_str();

  std::string demo_dir = std::string(PROCURA_SOURCE_DIR) + "/examples/iol-3n-2020";
  auto* demo = app.add_subcommand(
      "demo", "Import and run the demo round (the 3+N intraocular-lens alliance, 2020)");
  demo->add_option("--dir", demo_dir, "Round folder of the demo")->capture_default_str();
  demo->add_option("--db", db, "SQLite database file")->capture_default_str();
  demo->add_option("--out", out, "Output folder")->capture_default_str();

  ServeCommand serve_cmd;
  serve_cmd.demo_dir = demo_dir;
  auto* serve = app.add_subcommand(
      "serve", "Run the platform server: the JSON API for rounds, bids, OCDS and the audit log");
  serve
      ->add_option("--db", serve_cmd.db,
                   "SQLite database file, or a PostgreSQL URL (postgresql://user@host:port/db)")
      ->capture_default_str();
  serve->add_option("--keys", serve_cmd.keys,
                    "Folder of the server's keys (default: <db>.keys; keep it private)");
  serve->add_option("--address", serve_cmd.address, "Address to listen on")->capture_default_str();
  serve->add_option("--port", serve_cmd.port, "Port")->capture_default_str();
  serve
      ->add_option("--public-url", serve_cmd.public_url,
                   "Where visitors reach the platform (https://procura.example.org): OCDS "
                   "packages' URIs are absolute on it; without it they are named by URN")
      ->check([](const std::string& url) -> std::string {
        // A host name (letters, digits, '.', '-'), a port, a path of URL characters; no query.
        static const std::regex address(
            R"(https?://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?)");
        if (url.size() > 200 || !std::regex_match(url, address))
          return "expected an http:// or https:// address without a query, e.g. "
                 "https://procura.example.org";
        return "";
      });
  serve->add_option("--threads", serve_cmd.threads, "Threads answering reads")
      ->capture_default_str()
      ->check(CLI::Range(1u, 64u));
  serve
      ->add_option("--writers", serve_cmd.writers,
                   "Threads running state-changing requests; each waits for its durable commit, "
                   "which it shares with the others waiting")
      ->capture_default_str()
      ->check(CLI::Range(1u, 256u));
  serve
      ->add_option("--max-connections", serve_cmd.max_connections,
                   "Connections open at once (more wait until one closes); default: what the "
                   "open-file limit allows, at most 10,000")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  serve->add_flag("--demo", serve_cmd.demo,
                  "Into an empty database, load demo accounts for every role, the 2020 demo "
                  "round (awarded) and a 2021 round open for bids");
  serve->add_option("--clock-file", serve_cmd.clock_file,
                    "For tests: take the time from this file (one UTC time, read at every "
                    "request) instead of the machine's clock");
  auto* audit = app.add_subcommand("audit", "Check the platform's tamper-evident audit log");
  audit->require_subcommand(1);
  AuditVerifyCommand audit_cmd;
  auto* verify = audit->add_subcommand(
      "verify",
      "Verify an exported audit log (GET /api/audit/log) offline; names the first "
      "broken entry");
  verify->add_option("file", audit_cmd.file, "The export, one entry per line")->required();
  verify->add_option("--public-key", audit_cmd.public_key, "The server's audit public key (hex)");
  verify->add_option("--signature", audit_cmd.signature,
                     "The head signature published by GET /api/audit/head (hex)");
  verify->add_option("--records", audit_cmd.records,
                     "Stored records as JSON lines (the items of GET /api/feed): each must match "
                     "its hash and be named by the log");
  verify->add_option("--after", audit_cmd.after,
                     "The export continues a log after this entry (default: it starts at 1)");
  verify->add_option("--prev-hash", audit_cmd.prev_hash,
                     "With --after: the hash of that entry, as verified before");

  CLI11_PARSE(app, argc, argv);
  try {
    if (check->parsed()) {
      std::vector<InputError> problems;
      auto loaded = load_round_folder(dir, {}, &problems);
      if (!problems.empty()) {
        for (const auto& p : problems) std::cerr << "error: " << p.what() << "\n";
        std::cerr << fmt::format("{}: {} problem{}{}\n", dir, problems.size(),
                                 problems.size() == 1 ? "" : "s",
                                 problems.size() >= kMostProblems ? " (the first ones)" : "");
        return 1;
      }
      RoundIndex ix(loaded.input);
      std::cout << fmt::format(
          "{}: round '{}' is readable: {} rows, {} products, {} institutions, {} bids (digest "
          "{})\n",
          dir, loaded.input.id, loaded.rows, loaded.input.products.size(),
          loaded.input.institutions.size(), loaded.input.bids.size(), loaded.digest.substr(0, 16));
    } else if (import->parsed()) {
      std::string id;
      auto o = import_folder(dir, db, &id);
      const char* what = o.kind == ImportOutcome::Kind::kUnchanged
                             ? "unchanged (same inputs already stored)"
                         : o.kind == ImportOutcome::Kind::kReplaced ? "replaced"
                                                                    : "created";
      std::cout << fmt::format("round '{}' {} in {} ({} rows)\n", id, what, db, o.rows);
    } else if (run->parsed()) {
      require_database(db);
      auto report = run_stored(db, round_id, out, quiet, now);
      std::cout << "\nreport: " << report.string() << "\n";
    } else if (verify_cmd->parsed()) {
      return verify_round(open_data, most_shown, deadline_bids);
    } else if (list->parsed()) {
      require_database(db);
      SqliteStore store(db);
      for (const auto& r : store.rounds())
        std::cout << fmt::format("{:<24} {:<24} {}\n", r.id, r.profile_id, r.title);
    } else if (plist->parsed()) {
      for (const auto& p : builtin_profiles())
        std::cout << fmt::format("{:<22} v{:<8} {}\n", p.id, p.version, p.title);
    } else if (pshow->parsed()) {
      const auto& p = builtin_profile(profile_id);
      std::cout << profile_to_json(p).dump(2) << "\n\n";
      for (const auto& s : explain_profile(p)) std::cout << "- " << s << "\n";
    } else if (commit->parsed()) {
      auto p = parse_price(price);
      if (!p || *p < 0)  // 0 commits a withdrawal
        throw InputError("--price", 0, "",
                         "expected a decimal price (0 for a withdrawal), got '" + price + "'");
      Bid b{product, *p, "", nonce, ""};
      std::cout << bid_commitment(round_id, b) << "\n";
    } else if (bid_open->parsed()) {
      auto keys = opening_keys_from_secret(secret_key);
      if (!keys) throw InputError("--secret-key", 0, "", "expected 64 hex digits");
      int failures = 0;
      long n = 0;
      for (std::string line; std::getline(std::cin, line);) {
        ++n;
        if (line.empty()) continue;
        auto text = unseal(*keys, line);
        if (!text) {
          std::cerr << "<stdin>:" << n << ": the sealed bid does not open with this key\n";
          ++failures;
          continue;
        }
        std::cout << *text << "\n";
      }
      return failures ? 1 : 0;
    } else if (keyholder.key->parsed() || keyholder.unseal->parsed()) {
      return run_keyholder(keyholder);
    } else if (draw.secret->parsed() || draw.verify->parsed()) {
      return run_draw(draw);
    } else if (compile->parsed()) {
      if (inputs.empty()) inputs.push_back("-");
      if (copt.versioned) copt.package = true;
      std::ofstream file;
      if (!output.empty()) {
        file.open(output, std::ios::binary);
        if (!file) throw std::runtime_error("cannot write " + output);
      }
      CompileStats st;
      {
        ProgressBar bar("compiling", 1);
        st = compile_ocds(inputs, output.empty() ? std::cout : file, copt,
                          [&](std::size_t d, std::size_t t) { bar.update(d, t); });
      }
      std::cerr << fmt::format(
          "{} releases -> {} records ({} buckets); {} skipped, {} linked releases ignored\n",
          st.releases, st.records, st.buckets, st.skipped, st.linked);
    } else if (convert->parsed()) {
      if (convert_inputs.empty()) convert_inputs.push_back("-");
      const bool package = convert_to == "package";
      const bool tables = convert_to == "csv" || convert_to == "xlsx";
      if (tables && convert_out.empty())
        throw InputError("--out", 0, "",
                         "--to " + convert_to + " needs --out (a folder for csv, a file for xlsx)");
      std::unique_ptr<FlatTables> flat;
      if (tables) flat = std::make_unique<FlatTables>();
      std::string published;
      long count = 0, skipped = 0;
      auto emit = [&](ocds::Json&& release) {
        if (release.contains("date") && release["date"].is_string())
          published = std::max(published, release["date"].get<std::string>());
        ++count;
        if (flat)
          return ocds::flatten_release(release,
                                       [&](ocds::FlatRow&& row) { flat->add(std::move(row)); });
        std::cout << (package && count > 1 ? "," : "") << release.dump() << (package ? "" : "\n");
      };
      if (package)
        std::cout << "{\"uri\":" << nlohmann::json(convert_uri).dump()
                  << ",\"version\":\"1.1\",\"publisher\":{\"name\":\"Procura\"},\"releases\":[";
      for (const auto& name : convert_inputs) {
        if (name != "-" && fs::is_directory(name)) {  // flat tables back to releases
          auto schema = load_release_schema(convert_schema);
          for (const auto& dir : convert_extensions) {
            const auto patch = fs::path(dir) / "release-schema.json";
            std::ifstream f(patch);
            if (!f) throw InputError(patch.string(), 0, "", "cannot open the extension's schema");
            schema.merge_patch(ocds::Json::parse(f));
          }
          for (auto& r : read_csv_tables(name, schema)) emit(std::move(r));
          continue;
        }
        Input input(name);
        auto st = read_ocds_releases(
            input.stream(), input.name(), copt.skip_invalid,
            [&](ocds::Json&& release, long) { emit(std::move(release)); }, {}, false);
        skipped += st.skipped;
      }
      if (package)
        std::cout << "],\"publishedDate\":"
                  << nlohmann::json(published.empty() ? "1970-01-01T00:00:00Z" : published).dump()
                  << "}\n";
      if (convert_to == "csv") flat->write_csv(convert_out);
      if (convert_to == "xlsx") flat->write_xlsx(convert_out);
      std::cerr << fmt::format("{} releases written{}, {} malformed lines skipped\n", count,
                               flat ? fmt::format(" to {} tables", flat->tables()) : "", skipped);
    } else if (validate->parsed()) {
      if (validate_inputs.empty()) validate_inputs.push_back("-");
      auto report = validate_ocds(validate_inputs, std::cout, vopt);
      for (const auto& w : report.warnings) std::cerr << "warning: " << w << "\n";
      std::cerr << fmt::format("{} items, {} invalid, {} malformed lines skipped\n", report.items,
                               report.invalid, report.skipped);
      for (const auto& [rule, n] : report.errors_by_rule)
        std::cerr << fmt::format("  {:>8} {}\n", n, rule);
      return report.invalid > 0 ? 1 : 0;
    } else if (coverage->parsed()) {
      return run_coverage(coverage_input);
    } else if (prepare->parsed()) {
      return run_prepare(prepare_input, prepare_settings, prepare_issues, copt.skip_invalid);
    } else if (flags->parsed()) {
      return run_flags(flags_input, flags_settings, threads, copt.skip_invalid, no_meta);
    } else if (serve->parsed()) {
      return run_serve(serve_cmd);
    } else if (verify->parsed()) {
      return run_audit_verify(audit_cmd);
    } else if (demo->parsed()) {
      std::string id;
      import_folder(demo_dir, db, &id);
      auto report = run_stored(db, id, out, false, "");
      std::cout << "\nThe demo round is stored in " << fs::absolute(db).string()
                << ".\nIts report: " << fs::absolute(report).string() << "\nOCDS release package: "
                << fs::absolute(fs::path(out) / "ocds" / "release-package.json").string() << "\n";
    }
  } catch (const InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const RuleError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
