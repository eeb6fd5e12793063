// Opaque page tokens (AIP-158) and the stable fingerprint behind them and
// behind etags.
//
// A page token carries the position to resume a scan from, bound to the
// query it came from: the fingerprint of the request's other fields (filter,
// order, page-independent parameters). A token replayed with a changed
// query is rejected instead of silently returning a wrong page.
//
// Token layout, before URL-safe base64 (RFC 4648 section 5, no padding):
//
//   | offset | size | field                                          |
//   |--------|------|------------------------------------------------|
//   | 0      | 1    | version, 0x01                                  |
//   | 1      | 8    | query fingerprint, big-endian                  |
//   | 9      | n    | position bytes (opaque to this module)         |
//   | 9 + n  | 4    | check: low 32 bits of Fingerprint64 of bytes   |
//   |        |      | 0 .. 9+n, big-endian                           |
//
// The check catches corruption and casual editing; it is not a MAC, so a
// determined caller can forge a token. Positions must therefore be
// re-validated as untrusted input (they only ever name a place to resume a
// scan of data the caller may read anyway).
//
// All functions are pure and thread-safe.
#ifndef MEETINGS_SERVICES_DOMAIN_PAGE_TOKEN_H_
#define MEETINGS_SERVICES_DOMAIN_PAGE_TOKEN_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace meetings::domain {

// Returns the 64-bit FNV-1a hash of `bytes` (offset basis
// 0xcbf29ce484222325, prime 0x100000001b3). The algorithm is frozen: the
// value is the same in every process, build and platform, so it may be put
// in tokens and etags that outlive a server. Not cryptographic.
uint64_t Fingerprint64(std::string_view bytes);

// Returns an opaque, URL-safe token (characters [A-Za-z0-9_-]) carrying
// `position` bound to `query_fingerprint`; see the layout above. Never
// empty, so an empty `next_page_token` can still mean "last page".
std::string EncodePageToken(uint64_t query_fingerprint,
                            std::string_view position);

// Returns the position carried by `token`. Errors (INVALID_ARGUMENT):
//   "page_token: malformed" when `token` is not canonical URL-safe base64
//     of the layout above (bad characters, padding, length, version or
//     check);
//   "page_token: does not belong to this query (the request's other fields
//     changed)" when the token was made for another query fingerprint.
// Never crashes on arbitrary input. An empty `token` is malformed; callers
// treat an empty page_token as "first page" before calling this.
absl::StatusOr<std::string> DecodePageToken(std::string_view token,
                                            uint64_t query_fingerprint);

}  // namespace meetings::domain

#endif  // MEETINGS_SERVICES_DOMAIN_PAGE_TOKEN_H_
