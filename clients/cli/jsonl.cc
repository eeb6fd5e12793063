#include "clients/cli/jsonl.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/type_resolver.h"
#include "google/protobuf/util/type_resolver_util.h"

namespace meetings::cli {
namespace {

namespace pb = google::protobuf;

constexpr char kTypeUrlPrefix[] = "type.googleapis.com";

pb::util::TypeResolver* GeneratedTypeResolver() {
  static pb::util::TypeResolver* resolver =
      pb::util::NewTypeResolverForDescriptorPool(kTypeUrlPrefix, pb::DescriptorPool::generated_pool());
  return resolver;
}

// Protobuf's parse errors can span lines (a caret under the input); keep
// one line so that "line N: <reason>" stays one line too.
std::string OneLine(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

template <typename Resource>
void ClearCommonOutputOnly(Resource* r) {
  r->clear_name();
  r->clear_uid();
  r->clear_create_time();
  r->clear_update_time();
  r->clear_etag();
}

}  // namespace

std::string ToJson(const pb::Message& message, bool pretty) {
  // Deterministic serialization sorts map entries; MessageToJsonString
  // would print them in hash order.
  std::string binary;
  {
    pb::io::StringOutputStream stream(&binary);
    pb::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  pb::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  std::string json;
  auto status = pb::util::BinaryToJsonString(
      GeneratedTypeResolver(), absl::StrCat(kTypeUrlPrefix, "/", message.GetDescriptor()->full_name()),
      binary, &json, options);
  if (!status.ok()) return "{}";  // only for messages outside the generated pool
  if (pretty && (json.empty() || json.back() != '\n')) json += '\n';
  if (!pretty) {
    while (!json.empty() && json.back() == '\n') json.pop_back();
  }
  return json;
}

absl::Status FromJson(std::string_view json, pb::Message* message) {
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = pb::util::JsonStringToMessage(std::string(json), message, options);
  if (status.ok()) return absl::OkStatus();
  const auto reason = status.message();
  return absl::InvalidArgumentError(
      absl::StrCat("invalid JSON for ", message->GetDescriptor()->full_name(), ": ",
                   OneLine(std::string_view(reason.data(), reason.size()))));
}

bool HasTopLevelKey(std::string_view json, std::string_view key) {
  pb::Struct object;
  if (!pb::util::JsonStringToMessage(std::string(json), &object).ok()) return false;
  return object.fields().contains(std::string(key));
}

absl::StatusOr<ImportRequest> ParseImportLine(std::string_view line) {
  pb::Struct object;
  auto parsed = pb::util::JsonStringToMessage(std::string(line), &object);
  if (!parsed.ok()) {
    const auto reason = parsed.message();
    return absl::InvalidArgumentError(absl::StrCat(
        "not a JSON object: ", OneLine(std::string_view(reason.data(), reason.size()))));
  }
  std::vector<std::string> kinds;
  for (const char* key : {"organization", "person", "meeting", "document"}) {
    if (object.fields().contains(key)) kinds.push_back(key);
  }
  if (kinds.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected exactly one of the keys organization, person, meeting, document; found ",
        kinds.empty() ? "none" : absl::StrJoin(kinds, ", ")));
  }
  auto parse = [&](auto request) -> absl::StatusOr<ImportRequest> {
    if (auto status = FromJson(line, &request); !status.ok()) return status;
    return ImportRequest(std::move(request));
  };
  if (kinds[0] == "organization") return parse(v1::CreateOrganizationRequest());
  if (kinds[0] == "person") return parse(v1::CreatePersonRequest());
  if (kinds[0] == "meeting") return parse(v1::CreateMeetingRequest());
  return parse(v1::CreateDocumentRequest());
}

absl::Status CreateFromImport(client::Client& client, const ImportRequest& request,
                              const client::CallOptions& options) {
  struct Visitor {
    client::Client& client;
    const client::CallOptions& options;
    absl::Status operator()(const v1::CreateOrganizationRequest& r) {
      return client.CreateOrganization(r, options).status();
    }
    absl::Status operator()(const v1::CreatePersonRequest& r) {
      return client.CreatePerson(r, options).status();
    }
    absl::Status operator()(const v1::CreateMeetingRequest& r) {
      return client.CreateMeeting(r, options).status();
    }
    absl::Status operator()(const v1::CreateDocumentRequest& r) {
      return client.CreateDocument(r, options).status();
    }
  };
  return std::visit(Visitor{client, options}, request);
}

std::string ExportLine(const v1::Organization& organization) {
  v1::CreateOrganizationRequest request;
  request.set_organization_id(client::IdOf(organization.name()));
  *request.mutable_organization() = organization;
  ClearCommonOutputOnly(request.mutable_organization());
  return ToJson(request, /*pretty=*/false);
}

std::string ExportLine(const v1::Person& person) {
  v1::CreatePersonRequest request;
  request.set_person_id(client::IdOf(person.name()));
  *request.mutable_person() = person;
  ClearCommonOutputOnly(request.mutable_person());
  return ToJson(request, /*pretty=*/false);
}

std::string ExportLine(const v1::Meeting& meeting) {
  v1::CreateMeetingRequest request;
  request.set_meeting_id(client::IdOf(meeting.name()));
  *request.mutable_meeting() = meeting;
  v1::Meeting* m = request.mutable_meeting();
  ClearCommonOutputOnly(m);
  m->clear_local_start_date();
  m->clear_local_end_date();
  return ToJson(request, /*pretty=*/false);
}

std::string ExportLine(const v1::Document& document) {
  v1::CreateDocumentRequest request;
  const std::string& name = document.name();
  const size_t cut = name.find("/documents/");
  request.set_parent(name.substr(0, cut));
  request.set_document_id(client::IdOf(name));
  *request.mutable_document() = document;
  ClearCommonOutputOnly(request.mutable_document());
  return ToJson(request, /*pretty=*/false);
}

}  // namespace meetings::cli
