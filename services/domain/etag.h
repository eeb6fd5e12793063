// Etags (AIP-154): an opaque string that changes whenever a stored record
// changes, checked on update and delete for optimistic concurrency.
//
// All functions are pure and thread-safe.
#ifndef MEETINGS_SERVICES_DOMAIN_ETAG_H_
#define MEETINGS_SERVICES_DOMAIN_ETAG_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace meetings::domain {

// Returns the etag of revision `revision` of the record with unique id
// `uid`: 16 lowercase hex digits of Fingerprint64 over `uid`, a 0x00
// separator and `revision` as 8 big-endian bytes. Plain hex, no quotes and
// no "W/" prefix. Stable across processes and builds (see Fingerprint64),
// so a client may hold an etag across server restarts.
std::string MakeEtag(std::string_view uid, uint64_t revision);

// Returns OK when `given` is empty (the caller did not ask for a check) or
// equals `stored`. Otherwise ABORTED "<field>: etag \"given\" is stale; the
// current etag is \"stored\"; re-read and retry" (`given` quoted with
// QuoteForError, since it is caller input).
absl::Status CheckEtag(std::string_view field, std::string_view given,
                       std::string_view stored);

}  // namespace meetings::domain

#endif  // MEETINGS_SERVICES_DOMAIN_ETAG_H_
