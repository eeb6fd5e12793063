// JSON in the proto3 mapping, and the JSON Lines format of `meetings import`
// and `meetings export`.
//
// Line format: every line is one JSON object, the proto3 JSON of exactly
// one Create*Request, recognised by the resource key it holds:
//
//   {"organizationId":"vusta","organization":{"displayName":"..."}}       CreateOrganizationRequest
//   {"personId":"phan-xuan-dung","person":{"fullName":"..."}}             CreatePersonRequest
//   {"meetingId":"...","meeting":{"title":"...","organizers":[...]}}      CreateMeetingRequest
//   {"parent":"meetings/...","documentId":"...","document":{"title":...}} CreateDocumentRequest
//
// Blank lines are skipped. An export lists organizations (parents before
// children), then persons, then meetings (oldest first), then the documents
// of each meeting, with output-only fields (name, uid, etag, create and
// update times, local dates) left out and each id carried in the request's
// *_id field, so that importing it into an empty server recreates the same
// records under the same names.
#ifndef MEETINGS_CLIENTS_CLI_JSONL_H_
#define MEETINGS_CLIENTS_CLI_JSONL_H_

#include <string>
#include <string_view>
#include <variant>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "meetings/client/client.h"

namespace meetings::cli {

// The proto3 JSON of `message`, lowerCamelCase names, map entries sorted by
// key so that equal messages print equal text. `pretty`: indented over
// several lines; otherwise one line.
std::string ToJson(const google::protobuf::Message& message, bool pretty);

// Parses proto3 JSON (lowerCamelCase or original field names) into
// `message`, rejecting unknown fields. Errors: INVALID_ARGUMENT "invalid
// JSON for <type>: <reason>", on one line.
absl::Status FromJson(std::string_view json, google::protobuf::Message* message);

// True when `json` is an object with `key` at its top level. False for
// anything else, invalid JSON included.
bool HasTopLevelKey(std::string_view json, std::string_view key);

// One line of an import file.
using ImportRequest = std::variant<v1::CreateOrganizationRequest, v1::CreatePersonRequest,
                                   v1::CreateMeetingRequest, v1::CreateDocumentRequest>;

// Parses one line. Errors (INVALID_ARGUMENT): not a JSON object; none or
// more than one of the keys organization, person, meeting, document; a
// field the request does not have; a value of the wrong type.
absl::StatusOr<ImportRequest> ParseImportLine(std::string_view line);

// Sends the create call of `request`. Returns the server's status.
absl::Status CreateFromImport(client::Client& client, const ImportRequest& request,
                              const client::CallOptions& options);

// The export line of a record (no trailing newline).
std::string ExportLine(const v1::Organization& organization);
std::string ExportLine(const v1::Person& person);
std::string ExportLine(const v1::Meeting& meeting);
std::string ExportLine(const v1::Document& document);

}  // namespace meetings::cli

#endif  // MEETINGS_CLIENTS_CLI_JSONL_H_
