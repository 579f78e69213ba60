#pragma once
// Shared by the request fuzzers: a platform on a SQLite store in a temporary folder, with an
// account per role (password "password"), the demo round awarded and a copy of it open for bids
// ("open").
#include <memory>
#include <string>
#include <utility>

#include "core/clock.hpp"
#include "fuzz_common.hpp"
#include "io/temp_dir.hpp"
#include "server/api.hpp"

namespace procura::fuzz {

struct FuzzPlatform {
  TempDir dir;
  std::unique_ptr<PlatformStore> store;
  KeyStore keys;
  SystemClock clock;
  Api api;

  explicit FuzzPlatform(const char* name)
      : dir("", name),
        store(open_sqlite_platform_store((dir.path() / "db").string())),
        keys((dir.path() / "keys").string()),
        api(*store, keys, clock) {
    for (const auto& [id, role] : users()) api.add_user(id, id, role, org_of(id), "password");
    for (const char* keyholder : {"office", "auditor"})  // the open round's opening keyholders
      api.act_as(keyholder, "PUT", "/api/me/keyholder-key",
                 R"({"passphrase": "keyholder-passphrase"})");
    api.import_round_folder(demo_dir(), "", "", "", "", true);
    api.award_imported("3n-iol-2020");
    api.import_round_folder(demo_dir(), "open", in_days(30), in_days(31), in_days(40), false);
  }

  // The time that many days from now.
  std::string in_days(int days) const { return format_utc(clock.now() + 86400LL * days); }

  static const std::pair<const char*, Role> (&users())[6] {
    static const std::pair<const char*, Role> kUsers[6] = {
        {"office", Role::kOffice},         {"hospital", Role::kInstitution},
        {"enterprise", Role::kEnterprise}, {"expert", Role::kExpert},
        {"observer", Role::kObserver},     {"auditor", Role::kAuditor}};
    return kUsers;
  }
  static std::string org_of(const std::string& user) {
    if (user == "enterprise") return "E01";
    if (user == "expert") return "X01";
    return "BJ-H1";
  }
  static std::string demo_dir() { return source_dir() + "/examples/iol-3n-2020"; }
};

}  // namespace procura::fuzz
