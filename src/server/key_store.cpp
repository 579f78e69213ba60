// The key folder: the audit signing key, the bid-id salt, the password pepper and the rounds'
// opening keys, each in a file of its own readable by the server's user only.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "records/codec.hpp"
#include "server/api.hpp"

namespace procura {

namespace fs = std::filesystem;

namespace {

// The content of a key file; throws naming it when it cannot be read or is empty.
std::string read_key(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f)
    throw std::runtime_error("cannot read the key file " + p.string() + ": " +
                             std::strerror(errno));
  std::ostringstream s;
  s << f.rdbuf();
  if (f.bad()) throw std::runtime_error("cannot read the key file " + p.string());
  std::string text = s.str();
  if (text.empty()) throw std::runtime_error("the key file " + p.string() + " is empty");
  return text;
}

void write_key(const fs::path& p, const std::string& text) {
  {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f << text;
    f.flush();
    if (!f) throw std::runtime_error("cannot write the key file " + p.string());
  }
  ::chmod(p.c_str(), 0600);
}

// A key file made once with `make`, then read.
std::string key_file(const fs::path& p, const std::function<std::string()>& make) {
  if (!fs::exists(p)) write_key(p, make());
  return read_key(p);
}

bool is_hex(const std::string& s, std::size_t size) {
  return s.size() == size && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

KeyStore::KeyStore(std::string dir) : dir_(std::move(dir)) {
  fs::create_directories(dir_);
  ::chmod(dir_.c_str(), 0700);
  const fs::path sk = fs::path(dir_) / "audit-signing.key",
                 pk = fs::path(dir_) / "audit-signing.pub";
  if (!fs::exists(sk)) {
    auto made = new_signing_keys();
    write_key(pk, made.public_hex);
    write_key(sk, made.secret_hex);
  }
  signing_ = {read_key(pk), read_key(sk)};
  if (!is_hex(signing_.secret_hex, 128) || !is_hex(signing_.public_hex, 64))
    throw std::runtime_error("the audit signing key in " + dir_ + " is not an Ed25519 key pair");
  salt_ = key_file(fs::path(dir_) / "bid-id.salt", [] { return new_token(); });
  pepper_ = key_file(fs::path(dir_) / "password.pepper", [] { return new_token(); });
  if (!is_hex(salt_, 64) || !is_hex(pepper_, 64))
    throw std::runtime_error("the salt or pepper files in " + dir_ + " are not 64 hex digits");
}

}  // namespace procura
