// Text hygiene for everything a caller sends: strict UTF-8, no control
// characters except tab, line feed and carriage return, Unicode NFC, and
// byte and element limits. Vietnamese text arrives both precomposed
// ("ễ" = U+1EC5) and decomposed ("e" U+0302 U+0303); NFC makes the two
// byte-for-byte equal so that storage, indexes and comparisons see one form.
//
// All functions are pure and thread-safe.
#ifndef MEETINGS_SERVICES_DOMAIN_TEXT_H_
#define MEETINGS_SERVICES_DOMAIN_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace meetings::domain {

// Returns the NFC normalization of `value`.
//
// Errors (all INVALID_ARGUMENT, each message starting with `field`):
//   "<field>: not valid UTF-8" when `value` is not well-formed UTF-8
//     (overlong forms, UTF-16 surrogates, code points above U+10FFFF and
//     truncated sequences are all rejected);
//   "<field>: contains control character U+XXXX" for U+0000-U+001F other
//     than tab, LF and CR, for U+007F and for U+0080-U+009F. Noncharacters
//     such as U+FFFE and U+FFFF are allowed;
//   "<field>: longer than N bytes" when the NFC result has more than
//     `max_bytes` bytes. The limit applies after normalization, so the same
//     text passes or fails whichever form the caller sent.
//
// An empty `value` returns an empty string.
absl::StatusOr<std::string> NormalizeText(std::string_view field,
                                          std::string_view value,
                                          size_t max_bytes);

// Returns `value` as a double-quoted string fit to appear inside an error
// message: at most `max_bytes` bytes of it (cut at a UTF-8 character
// boundary, with "..." appended when cut); quotes, backslashes and control
// characters escaped; and every byte escaped as \xNN when `value` is not
// valid UTF-8, so that the message itself is always valid UTF-8.
std::string QuoteForError(std::string_view value, size_t max_bytes = 100);

// Limits applied by NormalizeStrings. Keys of the per-field maps are proto
// full field names, e.g. "meetings.v1.Meeting.description". For a map
// field, the key and value limits are looked up by the map entry's field
// names ("meetings.v1.Meeting.LabelsEntry.value") first, then by the map
// field's name ("meetings.v1.Meeting.labels"), then fall back to the
// default.
struct TextLimits {
  // Default 4096: maximum size in bytes, after NFC, of a string field (or a
  // string map key or value) not listed in `max_bytes_by_field`.
  size_t default_max_bytes = 4096;
  // Per-field overrides of `default_max_bytes`. Default empty.
  absl::flat_hash_map<std::string, size_t> max_bytes_by_field;
  // Default 1000: maximum number of elements of a repeated or map field
  // not listed in `max_repeated_by_field`.
  size_t default_max_repeated = 1000;
  // Per-field overrides of `default_max_repeated`. Default empty.
  absl::flat_hash_map<std::string, size_t> max_repeated_by_field;
};

// Walks `*message` by reflection, recursively through singular, repeated,
// oneof and map fields and nested messages, and replaces every set `string`
// field (not `bytes`) with NormalizeText of it, under `limits`. Map keys
// and values are both normalized. Unknown fields are left alone.
//
// `path` names `*message` in error messages, e.g. "meeting"; fields below
// it are written "meeting.participants[2].position", map values
// "meeting.labels[\"k\"]", map keys "meeting.labels key \"k\"" (keys and
// indexes quoted with QuoteForError).
//
// Errors (INVALID_ARGUMENT, each starting with the path of the field):
//   any error of NormalizeText, for the first offending string in field
//     number order;
//   "<path>: more than N elements" when a repeated or map field has more
//     elements than its limit;
//   "<path>: duplicate key \"k\" after NFC normalization" when two keys of
//     one map normalize to the same string.
// On error `*message` may be partly normalized; callers discard it.
//
// REQUIRES: `message` is not null. Thread-safe as long as no other thread
// touches `*message`.
absl::Status NormalizeStrings(google::protobuf::Message* message,
                              std::string_view path, const TextLimits& limits);

}  // namespace meetings::domain

#endif  // MEETINGS_SERVICES_DOMAIN_TEXT_H_
