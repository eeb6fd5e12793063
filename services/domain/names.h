// Resource ids and resource names (AIP-122). An id is
// `[a-z]([a-z0-9-]{0,61}[a-z0-9])?`: 1 to 63 characters, RFC 1034 style. A
// resource name is a collection and an id, `organizations/{organization}`,
// or, for documents, `meetings/{meeting}/documents/{document}`.
//
// All functions are thread-safe; all but GenerateId are pure.
#ifndef MEETINGS_SERVICES_DOMAIN_NAMES_H_
#define MEETINGS_SERVICES_DOMAIN_NAMES_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace meetings::domain {

// Collection ids of the resource names.
inline constexpr std::string_view kOrganizations = "organizations";
inline constexpr std::string_view kPersons = "persons";
inline constexpr std::string_view kMeetings = "meetings";
inline constexpr std::string_view kDocuments = "documents";

// Returns true when `id` matches `[a-z]([a-z0-9-]{0,61}[a-z0-9])?`:
// 1 to 63 characters, lowercase ASCII letters, digits and hyphens, starting
// with a letter and not ending with a hyphen.
bool IsValidId(std::string_view id);

// Returns OK when IsValidId(id). Errors (INVALID_ARGUMENT):
//   "<field>: required" when `id` is empty;
//   "<field>: invalid id \"...\"; expected 1 to 63 characters of a-z, 0-9
//     and '-', starting with a letter and not ending with '-'" otherwise.
absl::Status ValidateId(std::string_view field, std::string_view id);

// Returns a new random id of 20 characters: a letter, then 19 of [a-z0-9]
// (about 98 bits of randomness), so IsValidId() holds. Thread-safe: each
// thread draws from its own absl::BitGen.
std::string GenerateId();

// Parses `name` as `<collection>/{id}` and returns the id, e.g.
// ParseName("organization.parent", "organizations/vusta", kOrganizations)
// returns "vusta". Errors (INVALID_ARGUMENT):
//   "<field>: required" when `name` is empty;
//   "<field>: expected organizations/{id}, got \"...\"" when `name` has
//     another shape or its id fails IsValidId() (the bad value is quoted
//     with QuoteForError, at most 100 bytes of it).
absl::StatusOr<std::string> ParseName(std::string_view field,
                                      std::string_view name,
                                      std::string_view collection);

// The ids in a document's resource name.
struct DocumentName {
  std::string meeting_id;
  std::string document_id;
};

// Parses `meetings/{meeting}/documents/{document}`. Errors
// (INVALID_ARGUMENT): "<field>: required" when empty; "<field>: expected
// meetings/{id}/documents/{id}, got \"...\"" for any other shape or an
// invalid id.
absl::StatusOr<DocumentName> ParseDocumentName(std::string_view field,
                                               std::string_view name);

// Returns "<collection>/<id>". Does not validate; REQUIRES: IsValidId(id)
// for the result to parse back.
std::string FormatName(std::string_view collection, std::string_view id);

// Returns "meetings/<meeting_id>/documents/<document_id>". Does not
// validate.
std::string FormatDocumentName(std::string_view meeting_id,
                               std::string_view document_id);

}  // namespace meetings::domain

#endif  // MEETINGS_SERVICES_DOMAIN_NAMES_H_
