#pragma once
// The `serve` and `audit verify` commands.
#include <cstddef>
#include <string>

namespace procura {

struct ServeCommand {
  std::string db = "procura-platform.db";
  std::string keys;  // default: <db>.keys
  std::string address = "127.0.0.1";
  unsigned short port = 8080;
  std::string public_url;  // the base of OCDS packages' URIs; "" for http://address:port
  unsigned threads = 2;    // connection threads (reads)
  unsigned writers = 32;   // threads for state-changing requests (each waits for its commit)
  std::size_t max_connections = 0;  // 0: from the open-file limit (ServeOptions)
  bool demo = false;                // load the demo rounds and accounts into an empty database
  std::string demo_dir;
  std::string clock_file;  // tests: the time is read from this file (FileClock)
};

int run_serve(const ServeCommand& c);

struct AuditVerifyCommand {
  std::string file, public_key, signature;
  std::string records;  // JSON lines of stored revisions (feed items), "" for none
  long after = 0;       // the export continues a log after this entry
  std::string prev_hash;
};

// Checks an exported audit log (JSON lines): a whole log from entry 1, or a continuation after
// a verified entry; with a public key and a signature, also the signed head; with records, that
// each record matches its hash and is named by the log, and that each record the log names is
// there. Prints the verdict; returns 0 when everything verifies, 1 otherwise.
int run_audit_verify(const AuditVerifyCommand& c);

}  // namespace procura
