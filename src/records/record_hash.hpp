#pragma once
// The hash that the audit log keeps of every stored revision: BLAKE2b-256 over the revision's
// kind, id, context, owner, actor, time, data (canonical JSON, core/canonical_json.hpp), sealed
// box and salt. The salt (random, 128 bits)
// is kept with the revision and served with it to whoever may read it, so that anyone who reads
// a revision can check it against the log, and nobody who may not can learn anything from the
// hash (not even a low-entropy value such as a price).
#include <string>

#include "storage/platform_store.hpp"

namespace procura {

// "procura-record-v1|kind|id|context|owner|actor|at|salt|data|sealed" hashed (lower-case hex).
std::string record_hash(const ObjectRevision& r);

// A fresh salt (32 hex digits).
std::string new_record_salt();

}  // namespace procura
