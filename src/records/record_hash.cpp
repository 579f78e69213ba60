#include "records/record_hash.hpp"

#include "platform/secrets.hpp"
#include "tender/commitment.hpp"

namespace procura {

std::string record_hash(const ObjectRevision& r) {
  const std::string sep = "|";
  return blake2b_hex("procura-record-v1|" + r.kind + sep + r.id + sep + r.context + sep + r.owner +
                     sep + r.actor + sep + r.at + sep + r.salt + sep + r.data + sep + r.sealed);
}

std::string new_record_salt() {
  return new_token().substr(0, 32);
}

}  // namespace procura
