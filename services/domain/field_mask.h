// Update masks (AIP-134): which fields of a stored record an Update call
// replaces with the values in the request.
//
// All functions are pure and thread-safe as long as no other thread
// touches the messages passed in.
#ifndef MEETINGS_SERVICES_DOMAIN_FIELD_MASK_H_
#define MEETINGS_SERVICES_DOMAIN_FIELD_MASK_H_

#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"

namespace meetings::domain {

// Copies the fields named by `mask` from `patch` into `*target`.
//
// The effective set of paths is:
//   - when `mask` is empty: every top-level field set in `patch` (as
//     reflection's ListFields sees it, so proto3 scalars holding their
//     default value, such as "" or 0, count as unset and cannot be cleared
//     this way; name them in the mask instead);
//   - when `mask` is exactly ["*"]: every top-level field of the message;
//   - otherwise: the paths of `mask`, which may be nested through singular
//     message fields ("start_time.seconds").
// From it, paths in `output_only_paths` and "name" (and any path below
// them, e.g. "create_time.seconds") are dropped silently: they are not
// errors, they are simply not updated.
//
// Each remaining field is replaced whole: a repeated or map field named by
// a path gets exactly the patch's elements, a message field gets exactly
// the patch's message (no merge), and a field unset in `patch` is cleared
// in `*target`.
//
// `message_field` names the patched message in errors, e.g. "meeting".
// Errors (INVALID_ARGUMENT; `*target` is unchanged on error):
//   "update_mask: unknown field \"x\" of <message_field>" for a path that
//     does not name a field of `patch`'s type (including a sub-field of a
//     repeated or scalar field);
//   "update_mask: \"*\" must be the only path" when "*" is combined with
//     other paths.
// INTERNAL when `patch` and `*target` are of different message types.
//
// REQUIRES: `target` is not null.
absl::Status ApplyUpdateMask(
    const google::protobuf::Message& patch,
    const google::protobuf::FieldMask& mask, std::string_view message_field,
    const absl::flat_hash_set<std::string>& output_only_paths,
    google::protobuf::Message* target);

}  // namespace meetings::domain

#endif  // MEETINGS_SERVICES_DOMAIN_FIELD_MASK_H_
