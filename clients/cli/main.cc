// meetings: the command-line tool of the meeting-records service, on the
// C++ client library. Run `meetings --help` (and `meetings <command> --help`).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "clients/cli/format.h"
#include "clients/cli/jsonl.h"
#include "clients/cli/progress.h"
#include "clients/cli/table.h"
#include "google/protobuf/field_mask.pb.h"
#include "meetings/client/client.h"
#include "meetings/client/version.h"

namespace meetings::cli {
namespace {

namespace mc = ::meetings::client;

// Exit codes; kept in step with kExitCodesHelp and the README section.
enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 1,            // bad flags or arguments, unreadable local file
  kExitInvalidArgument = 2,  // INVALID_ARGUMENT, OUT_OF_RANGE, bad JSON input
  kExitNotFound = 3,         // NOT_FOUND
  kExitConflict = 4,         // ALREADY_EXISTS, ABORTED, FAILED_PRECONDITION
  kExitUnavailable = 5,      // UNAVAILABLE, DEADLINE_EXCEEDED
  kExitOther = 6,            // any other error
  kExitAccess = 7,           // UNAUTHENTICATED, PERMISSION_DENIED
};

constexpr char kExitCodesHelp[] = R"(Exit codes:
  0  success
  1  usage error (bad flags or arguments, unreadable input file)
  2  INVALID_ARGUMENT or OUT_OF_RANGE (also malformed JSON input)
  3  NOT_FOUND
  4  ALREADY_EXISTS, ABORTED (stale etag) or FAILED_PRECONDITION (still referenced)
  5  UNAVAILABLE or DEADLINE_EXCEEDED (server unreachable, too slow)
  6  any other error
  7  UNAUTHENTICATED (no or bad credentials) or PERMISSION_DENIED
Errors are printed to stderr as "meetings: <CODE>: <message>".
Environment: MEETINGS_ADDRESS (default server address), MEETINGS_TOKEN (bearer token).)";

int ExitCodeFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return kExitOk;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange: return kExitInvalidArgument;
    case absl::StatusCode::kNotFound: return kExitNotFound;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kFailedPrecondition: return kExitConflict;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded: return kExitUnavailable;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied: return kExitAccess;
    default: return kExitOther;
  }
}

std::string Describe(const absl::Status& status) {
  return absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message());
}

// A local problem the server never saw (a file that cannot be read).
struct UsageError {
  std::string message;
};

// The kinds of resource, as typed on the command line.
const std::map<std::string, std::string> kKinds = {
    {"organization", "organizations"}, {"person", "persons"},
    {"meeting", "meetings"},           {"document", "documents"}};

struct GlobalFlags {
  std::string address = "localhost:50051";
  std::string timeout;  // "" = the library default (10 s)
  bool json = false;
  bool tls = false;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string tls_server_name;
  std::string token;
};

// Everything one invocation needs: flags, the client, and output helpers.
class Cli {
 public:
  explicit Cli(GlobalFlags flags) : flags_(std::move(flags)) {}

  // Builds the client from the global flags. Throws UsageError for a bad
  // --timeout or TLS file.
  void Connect() {
    mc::ConnectionOptions options;
    options.target = flags_.address;
    if (!flags_.timeout.empty()) {
      auto timeout = ParseTimeout(flags_.timeout);
      if (!timeout.ok()) throw UsageError{std::string(timeout.status().message())};
      options.default_timeout = *timeout;
    }
    if (flags_.tls || !flags_.ca_file.empty() || !flags_.cert_file.empty() ||
        !flags_.key_file.empty()) {
      mc::TlsOptions tls;
      tls.root_certificates_file = flags_.ca_file;
      tls.client_certificate_file = flags_.cert_file;
      tls.client_private_key_file = flags_.key_file;
      tls.server_name_override = flags_.tls_server_name;
      options.tls = std::move(tls);
    }
    options.bearer_token = flags_.token;
    auto connection = mc::MakeConnection(std::move(options));
    // Only local settings can fail here (a TLS file that cannot be read).
    if (!connection.ok()) throw UsageError{Describe(connection.status())};
    client_.emplace(*std::move(connection));
  }

  mc::Client& client() { return *client_; }
  bool json() const { return flags_.json; }

  static absl::StatusOr<absl::Duration> ParseTimeout(const std::string& text) {
    absl::Duration d;
    double seconds = 0;
    if (absl::SimpleAtod(text, &seconds)) {
      d = absl::Seconds(seconds);
    } else if (!absl::ParseDuration(text, &d)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--timeout: expected seconds or a duration like 500ms, 10s, 1m; got \"",
                       text, "\""));
    }
    if (d <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("--timeout: must be positive");
    }
    return d;
  }

  // Prints a resource as pretty JSON (--json) or a field/value table.
  void PrintResource(const google::protobuf::Message& message) {
    if (json()) {
      std::cout << ToJson(message, /*pretty=*/true);
    } else {
      std::cout << DetailView(message);
    }
  }

  // After a create/update/delete: the resource (--json) or one line.
  void PrintDone(const char* verb, const google::protobuf::Message& message,
                 const std::string& name) {
    if (json()) {
      std::cout << ToJson(message, /*pretty=*/true);
    } else {
      std::cout << verb << " " << name << "\n";
    }
  }

 private:
  GlobalFlags flags_;
  std::optional<mc::Client> client_;
};

// Reads FILE, or stdin for "" and "-". Throws UsageError.
std::string ReadInput(const std::string& file) {
  std::stringstream text;
  if (file.empty() || file == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw UsageError{absl::StrCat("cannot read \"", file, "\"")};
  text << in.rdbuf();
  return text.str();
}

// "displayName,otherNames" or "display_name" -> a FieldMask with
// snake_case paths (the form the server's masks use).
google::protobuf::FieldMask ParseMask(const std::string& text) {
  google::protobuf::FieldMask mask;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::string snake;
    for (char c : absl::StripAsciiWhitespace(part)) {
      if (absl::ascii_isupper(static_cast<unsigned char>(c))) {
        snake += '_';
        snake += absl::ascii_tolower(static_cast<unsigned char>(c));
      } else {
        snake += c;
      }
    }
    mask.add_paths(snake);
  }
  return mask;
}

std::string NameOf(const std::string& kind, const std::string& id_or_name) {
  if (kind == "organization") return mc::OrganizationName(id_or_name);
  if (kind == "person") return mc::PersonName(id_or_name);
  if (kind == "meeting") return mc::MeetingName(id_or_name);
  // Documents: a full name, or MEETING/DOCUMENT.
  if (id_or_name.rfind("meetings/", 0) == 0) return id_or_name;
  const size_t slash = id_or_name.find('/');
  if (slash == std::string::npos) return id_or_name;  // the server names the problem
  return mc::DocumentName(id_or_name.substr(0, slash), id_or_name.substr(slash + 1));
}

// ---------------------------------------------------------------------------
// create / get / update / delete

struct CrudArgs {
  std::string kind;
  std::string file;
  std::string id;
  std::string name;
  std::string meeting;
  std::string update_mask;
  std::string etag;
  bool force = false;
};

// Fills `request` from `json`: a request-shaped file ({"organization":
// {...}, "organizationId": "..."}) is taken whole, anything else is the
// resource itself and goes into `resource` (a field of `request`).
absl::Status FillRequest(const std::string& json, const std::string& kind,
                         google::protobuf::Message* request, google::protobuf::Message* resource) {
  return FromJson(json, HasTopLevelKey(json, kind) ? request : resource);
}

absl::Status Create(Cli& cli, const CrudArgs& a) {
  const std::string json = ReadInput(a.file);
  auto& client = cli.client();
  auto done = [&](const auto& created) -> absl::Status {
    if (!created.ok()) return created.status();
    cli.PrintDone("created", *created, created->name());
    return absl::OkStatus();
  };
  if (a.kind == "organization") {
    v1::CreateOrganizationRequest r;
    if (auto s = FillRequest(json, a.kind, &r, r.mutable_organization()); !s.ok()) return s;
    if (!a.id.empty()) r.set_organization_id(a.id);
    return done(client.CreateOrganization(r));
  }
  if (a.kind == "person") {
    v1::CreatePersonRequest r;
    if (auto s = FillRequest(json, a.kind, &r, r.mutable_person()); !s.ok()) return s;
    if (!a.id.empty()) r.set_person_id(a.id);
    return done(client.CreatePerson(r));
  }
  if (a.kind == "meeting") {
    v1::CreateMeetingRequest r;
    if (auto s = FillRequest(json, a.kind, &r, r.mutable_meeting()); !s.ok()) return s;
    if (!a.id.empty()) r.set_meeting_id(a.id);
    return done(client.CreateMeeting(r));
  }
  v1::CreateDocumentRequest r;
  if (auto s = FillRequest(json, a.kind, &r, r.mutable_document()); !s.ok()) return s;
  if (!a.id.empty()) r.set_document_id(a.id);
  if (!a.meeting.empty()) r.set_parent(mc::MeetingName(a.meeting));
  return done(client.CreateDocument(r));
}

absl::Status Get(Cli& cli, const CrudArgs& a) {
  const std::string name = NameOf(a.kind, a.name);
  auto& client = cli.client();
  auto print = [&](const auto& result) -> absl::Status {
    if (!result.ok()) return result.status();
    cli.PrintResource(*result);
    return absl::OkStatus();
  };
  if (a.kind == "organization") return print(client.GetOrganization(name));
  if (a.kind == "person") return print(client.GetPerson(name));
  if (a.kind == "meeting") return print(client.GetMeeting(name));
  return print(client.GetDocument(name));
}

absl::Status Update(Cli& cli, const CrudArgs& a) {
  const std::string json = ReadInput(a.file);
  auto& client = cli.client();
  // Fills the request from the file, then applies --name and --update-mask.
  auto prepare = [&](auto& request, google::protobuf::Message* resource,
                     auto set_name) -> absl::Status {
    if (auto s = FillRequest(json, a.kind, &request, resource); !s.ok()) return s;
    if (!a.name.empty()) set_name(NameOf(a.kind, a.name));
    if (!a.update_mask.empty()) *request.mutable_update_mask() = ParseMask(a.update_mask);
    return absl::OkStatus();
  };
  if (a.kind == "organization") {
    v1::UpdateOrganizationRequest r;
    if (auto s = prepare(r, r.mutable_organization(),
                         [&](std::string n) { r.mutable_organization()->set_name(n); });
        !s.ok()) {
      return s;
    }
    auto updated = client.UpdateOrganization(r);
    if (!updated.ok()) return updated.status();
    cli.PrintDone("updated", *updated, updated->name());
  } else if (a.kind == "person") {
    v1::UpdatePersonRequest r;
    if (auto s = prepare(r, r.mutable_person(),
                         [&](std::string n) { r.mutable_person()->set_name(n); });
        !s.ok()) {
      return s;
    }
    auto updated = client.UpdatePerson(r);
    if (!updated.ok()) return updated.status();
    cli.PrintDone("updated", *updated, updated->name());
  } else if (a.kind == "meeting") {
    v1::UpdateMeetingRequest r;
    if (auto s = prepare(r, r.mutable_meeting(),
                         [&](std::string n) { r.mutable_meeting()->set_name(n); });
        !s.ok()) {
      return s;
    }
    auto updated = client.UpdateMeeting(r);
    if (!updated.ok()) return updated.status();
    cli.PrintDone("updated", *updated, updated->name());
  } else {
    v1::UpdateDocumentRequest r;
    if (auto s = prepare(r, r.mutable_document(),
                         [&](std::string n) { r.mutable_document()->set_name(n); });
        !s.ok()) {
      return s;
    }
    auto updated = client.UpdateDocument(r);
    if (!updated.ok()) return updated.status();
    cli.PrintDone("updated", *updated, updated->name());
  }
  return absl::OkStatus();
}

absl::Status Delete(Cli& cli, const CrudArgs& a) {
  const std::string name = NameOf(a.kind, a.name);
  auto& client = cli.client();
  absl::Status status;
  if (a.kind == "organization") {
    status = client.DeleteOrganization(name, a.etag);
  } else if (a.kind == "person") {
    status = client.DeletePerson(name, a.etag);
  } else if (a.kind == "meeting") {
    status = client.DeleteMeeting(name, a.etag, a.force);
  } else {
    status = client.DeleteDocument(name, a.etag);
  }
  if (!status.ok()) return status;
  if (cli.json()) {
    std::cout << "{}\n";
  } else {
    std::cout << "deleted " << name << "\n";
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// list

struct ListArgs {
  std::string organization;
  bool include_sub_organizations = false;
  std::string person;
  std::string from;
  std::string to;
  std::string on;
  std::string order = "oldest";
  std::string parent;
  std::string meeting;
  std::string status;
  std::string type;
  int limit = 0;
  int page_size = 0;
};

// Prints every item of `range` (up to --limit): JSON Lines with --json,
// else a table printed once all rows are in (so widths fit every row).
template <typename T>
absl::Status PrintList(Cli& cli, mc::PaginationRange<T> range, Table table, int limit) {
  int count = 0;
  for (absl::StatusOr<T>& item : range) {
    if (limit > 0 && count >= limit) break;
    if (!item.ok()) return item.status();
    ++count;
    if (cli.json()) {
      std::cout << ToJson(*item, /*pretty=*/false) << "\n";
    } else {
      AddListRow(table, *item);
    }
  }
  if (!cli.json()) std::cout << table.Render();
  return absl::OkStatus();
}

int PageSizeFor(const ListArgs& a) {
  if (a.page_size > 0) return a.page_size;
  if (a.limit > 0) return std::min(a.limit, 1000);
  return 0;
}

absl::Status ListMeetings(Cli& cli, const ListArgs& a) {
  v1::ListMeetingsRequest request;
  if (!a.organization.empty()) request.set_organization(mc::OrganizationName(a.organization));
  request.set_include_sub_organizations(a.include_sub_organizations);
  if (!a.person.empty()) request.set_person(mc::PersonName(a.person));
  std::string from = a.from, to = a.to;
  if (!a.on.empty()) from = to = a.on;
  if (!from.empty()) {
    auto day = mc::ParseDate(from);
    if (!day.ok()) return absl::InvalidArgumentError(absl::StrCat("--from: ", day.status().message()));
    *request.mutable_start_date() = mc::ToProtoDate(*day);
  }
  if (!to.empty()) {
    auto day = mc::ParseDate(to);
    if (!day.ok()) return absl::InvalidArgumentError(absl::StrCat("--to: ", day.status().message()));
    *request.mutable_end_date() = mc::ToProtoDate(*day);
  }
  request.set_order_by(a.order == "newest" ? "start_time desc" : "start_time");
  request.set_page_size(PageSizeFor(a));
  return PrintList(cli, cli.client().ListMeetings(std::move(request)), MeetingTable(), a.limit);
}

absl::Status ListOrganizations(Cli& cli, const ListArgs& a) {
  v1::ListOrganizationsRequest request;
  if (!a.parent.empty()) request.set_parent(mc::OrganizationName(a.parent));
  request.set_page_size(PageSizeFor(a));
  return PrintList(cli, cli.client().ListOrganizations(std::move(request)), OrganizationTable(),
                   a.limit);
}

absl::Status ListPersons(Cli& cli, const ListArgs& a) {
  v1::ListPersonsRequest request;
  request.set_page_size(PageSizeFor(a));
  return PrintList(cli, cli.client().ListPersons(std::move(request)), PersonTable(), a.limit);
}

absl::Status ListDocuments(Cli& cli, const ListArgs& a) {
  v1::ListDocumentsRequest request;
  request.set_parent(mc::MeetingName(a.meeting));
  if (!a.status.empty()) {
    v1::Document::Status status;
    if (!v1::Document::Status_Parse(absl::AsciiStrToUpper(a.status), &status)) {
      return absl::InvalidArgumentError(absl::StrCat("--status: unknown status \"", a.status,
                                                     "\" (DRAFT, FINAL, ADOPTED, WITHDRAWN)"));
    }
    request.set_status(status);
  }
  if (!a.type.empty()) {
    v1::Document::Type type;
    if (!v1::Document::Type_Parse(absl::AsciiStrToUpper(a.type), &type)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--type: unknown type \"", a.type,
          "\" (REPORT, PROPOSAL, MINUTES, CONCLUSION, PRESENTATION, RESOLUTION, OTHER)"));
    }
    request.set_type(type);
  }
  request.set_page_size(PageSizeFor(a));
  return PrintList(cli, cli.client().ListDocuments(std::move(request)), DocumentTable(), a.limit);
}

absl::Status Search(Cli& cli, const std::string& query, const std::vector<std::string>& types,
                    const ListArgs& a) {
  v1::SearchRecordsRequest request;
  request.set_query(query);
  for (const auto& type : types) {
    v1::RecordType value;
    if (!v1::RecordType_Parse(absl::AsciiStrToUpper(type), &value)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--type: unknown record type \"", type, "\" (ORGANIZATION, PERSON, MEETING, DOCUMENT)"));
    }
    request.add_types(value);
  }
  if (!a.organization.empty()) request.set_organization(mc::OrganizationName(a.organization));
  request.set_include_sub_organizations(a.include_sub_organizations);
  if (!a.from.empty()) {
    auto day = mc::ParseDate(a.from);
    if (!day.ok()) return absl::InvalidArgumentError(absl::StrCat("--from: ", day.status().message()));
    *request.mutable_start_date() = mc::ToProtoDate(*day);
  }
  if (!a.to.empty()) {
    auto day = mc::ParseDate(a.to);
    if (!day.ok()) return absl::InvalidArgumentError(absl::StrCat("--to: ", day.status().message()));
    *request.mutable_end_date() = mc::ToProtoDate(*day);
  }
  request.set_page_size(a.page_size > 0 ? a.page_size : (a.limit > 0 ? std::min(a.limit, 100) : 0));
  return PrintList(cli, cli.client().SearchRecords(std::move(request)), SearchTable(), a.limit);
}

// ---------------------------------------------------------------------------
// import / export

struct ImportArgs {
  std::string file;
  bool continue_on_error = false;
};

// Counts the lines of a regular file for the progress bar's total; nullopt
// for stdin or anything unreadable.
std::optional<int64_t> CountLines(const std::string& file) {
  if (file == "-") return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  int64_t lines = 0;
  std::string line;
  while (std::getline(in, line)) ++lines;
  return lines;
}

// Returns the status of the first failed line (OK when none failed).
absl::Status Import(Cli& cli, const ImportArgs& a) {
  std::ifstream file_stream;
  std::istream* in = &std::cin;
  if (a.file != "-") {
    file_stream.open(a.file, std::ios::binary);
    if (!file_stream) throw UsageError{absl::StrCat("cannot read \"", a.file, "\"")};
    in = &file_stream;
  }
  ProgressBar bar("import", CountLines(a.file), isatty(STDERR_FILENO) == 1);
  int64_t line_number = 0, created = 0, failed = 0;
  absl::Status first_error;
  std::string line;
  while (std::getline(*in, line)) {
    ++line_number;
    bar.Update(line_number - 1);
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    absl::Status status;
    auto request = ParseImportLine(line);
    status = request.ok() ? CreateFromImport(cli.client(), *request, {}) : request.status();
    if (status.ok()) {
      ++created;
      continue;
    }
    ++failed;
    bar.Print(absl::StrCat("meetings: line ", line_number, ": ", Describe(status)));
    if (first_error.ok()) first_error = status;
    if (!a.continue_on_error) break;
  }
  bar.Update(line_number);
  bar.Finish();
  if (cli.json()) {
    std::cout << "{\"created\":" << created << ",\"failed\":" << failed << "}\n";
  } else {
    std::cout << "imported " << created << " records";
    if (failed > 0) std::cout << ", " << failed << " failed lines";
    std::cout << "\n";
  }
  if (!first_error.ok()) {
    // Reported line by line already; the caller only needs the exit code.
    return absl::Status(first_error.code(), "");
  }
  return absl::OkStatus();
}

struct ExportArgs {
  std::string what = "all";
  std::string output = "-";
};

absl::Status Export(Cli& cli, const ExportArgs& a) {
  std::ofstream file_stream;
  std::ostream* out = &std::cout;
  if (a.output != "-") {
    file_stream.open(a.output, std::ios::binary | std::ios::trunc);
    if (!file_stream) throw UsageError{absl::StrCat("cannot write \"", a.output, "\"")};
    out = &file_stream;
  }
  const bool all = a.what == "all";
  const bool with_organizations = all || a.what == "organizations";
  const bool with_persons = all || a.what == "persons";
  const bool with_meetings = all || a.what == "meetings";
  const bool with_documents = all || a.what == "documents";
  auto& client = cli.client();
  const bool terminal = isatty(STDERR_FILENO) == 1;

  // The totals the bar needs for its ETA, asked once up front
  // (show_total_size); organizations are all read before any is written.
  std::map<std::string, v1::Organization> organizations;
  if (with_organizations) {
    for (auto& org : client.ListOrganizations()) {
      if (!org.ok()) return org.status();
      organizations.emplace(org->name(), *std::move(org));
    }
  }
  v1::ListMeetingsRequest meetings_request;
  meetings_request.set_order_by("start_time");
  int64_t total = static_cast<int64_t>(organizations.size());
  int64_t meeting_total = 0;
  if (terminal && with_persons) {
    v1::ListPersonsRequest count;
    count.set_page_size(1);
    count.set_show_total_size(true);
    auto first = client.ListPersonsPage(count);
    if (!first.ok()) return first.status();
    total += first->total_size();
  }
  if (terminal && (with_meetings || with_documents)) {
    v1::ListMeetingsRequest count = meetings_request;
    count.set_page_size(1);
    count.set_show_total_size(true);
    auto first = client.ListMeetingsPage(count);
    if (!first.ok()) return first.status();
    meeting_total = first->total_size();
    if (with_meetings) total += meeting_total;
  }

  std::optional<ProgressBar> bar;
  bar.emplace("export", total, terminal);
  int64_t written = 0;
  auto emit = [&](const std::string& line) {
    *out << line << '\n';
    bar->Update(++written);
  };

  if (with_organizations) {
    // Parents before children, else the import would meet a dangling parent.
    std::map<std::string, bool> written_names;
    std::function<void(const v1::Organization&)> write = [&](const v1::Organization& org) {
      if (written_names[org.name()]) return;
      written_names[org.name()] = true;
      auto parent = organizations.find(org.parent());
      if (parent != organizations.end()) write(parent->second);
      emit(ExportLine(org));
    };
    for (const auto& [name, org] : organizations) write(org);
  }
  if (with_persons) {
    for (auto& person : client.ListPersons()) {
      if (!person.ok()) return person.status();
      emit(ExportLine(*person));
    }
  }
  std::vector<std::string> meeting_names;
  if (with_meetings || with_documents) {
    meetings_request.set_page_size(1000);
    for (auto& meeting : client.ListMeetings(std::move(meetings_request))) {
      if (!meeting.ok()) return meeting.status();
      meeting_names.push_back(meeting->name());
      if (with_meetings) emit(ExportLine(*meeting));
    }
  }
  if (with_documents) {
    // Documents are listed meeting by meeting: this bar counts meetings.
    bar->Finish();
    bar.emplace("export documents, meetings", static_cast<int64_t>(meeting_names.size()),
                terminal);
    int64_t meetings_done = 0;
    for (const auto& meeting : meeting_names) {
      for (auto& document : client.ListDocumentsOfMeeting(meeting)) {
        if (!document.ok()) return document.status();
        *out << ExportLine(*document) << '\n';
      }
      bar->Update(++meetings_done);
    }
  }
  bar->Finish();
  out->flush();
  if (!*out) return absl::DataLossError("could not write the whole export");
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Command line

int Main(int argc, char** argv) {
  CLI::App app("meetings: command-line client of the meeting-records service (meetings.v1)",
               "meetings");
  app.set_version_flag("--version", std::string(mc::kVersion));
  app.footer(kExitCodesHelp);
  app.require_subcommand(1);
  app.fallthrough();  // global flags also after the subcommand

  GlobalFlags flags;
  app.add_option("--address", flags.address, "Server address host:port")
      ->envname("MEETINGS_ADDRESS")
      ->capture_default_str();
  app.add_option("--timeout", flags.timeout,
                 "Deadline of each call: seconds or a duration (500ms, 10s, 1m); default 10s");
  app.add_flag("--json", flags.json,
               "Machine output: proto3 JSON (lists: one JSON object per line)");
  app.add_flag("--tls", flags.tls, "Use TLS (gRPC's default roots unless --ca-file)");
  app.add_option("--ca-file", flags.ca_file, "PEM roots to verify the server (implies --tls)");
  app.add_option("--cert-file", flags.cert_file, "PEM client certificate for mutual TLS");
  app.add_option("--key-file", flags.key_file, "PEM client private key for mutual TLS");
  app.add_option("--token", flags.token,
                 "Bearer token for a server with an authorization policy (use with TLS)")
      ->envname("MEETINGS_TOKEN");
  app.add_option("--tls-server-name", flags.tls_server_name,
                 "Name the server certificate must carry, when not the address host");

  // Leaves of the command tree and what each runs.
  std::vector<std::pair<CLI::App*, std::function<absl::Status(Cli&)>>> actions;
  std::vector<std::string> kind_names;
  for (const auto& [kind, plural] : kKinds) kind_names.push_back(kind);

  CrudArgs crud;
  auto add_kinds = [&](CLI::App* verb, const char* what,
                       std::function<absl::Status(Cli&, const CrudArgs&)> run,
                       std::function<void(CLI::App*, const std::string&)> add_args) {
    verb->require_subcommand(1);
    for (const auto& kind : kind_names) {
      CLI::App* sub = verb->add_subcommand(kind, absl::StrCat(what, " ", kind));
      add_args(sub, kind);
      actions.emplace_back(sub, [&, kind, run](Cli& cli) {
        crud.kind = kind;
        return run(cli, crud);
      });
    }
  };

  add_kinds(app.add_subcommand("create", "Create a resource from JSON (a file or stdin)"),
            "Create a", Create, [&](CLI::App* sub, const std::string& kind) {
              sub->add_option("file", crud.file,
                              "JSON of the resource, or of its Create request; '-' or none: stdin");
              sub->add_option("--id", crud.id, "Id of the new " + kind + " (default: generated)");
              if (kind == "document") {
                sub->add_option("--meeting", crud.meeting, "Meeting (id or name) it belongs to");
              }
            });
  add_kinds(app.add_subcommand("get", "Show a resource"), "Show a", Get,
            [&](CLI::App* sub, const std::string& kind) {
              sub->add_option("name", crud.name,
                              kind == "document" ? "meetings/M/documents/D, or M/D"
                                                 : "Id or resource name")
                  ->required();
            });
  add_kinds(app.add_subcommand("update", "Update a resource from JSON (a file or stdin)"),
            "Update a", Update, [&](CLI::App* sub, const std::string& kind) {
              sub->add_option("file", crud.file,
                              "JSON of the resource, or of its Update request; '-' or none: stdin");
              sub->add_option("--name", crud.name, "Which " + kind + " (else the JSON's name)");
              sub->add_option("--update-mask", crud.update_mask,
                              "Fields to change, comma-separated (e.g. displayName,province); "
                              "default: the fields set in the JSON");
            });
  add_kinds(app.add_subcommand("delete", "Delete a resource (keeps a tombstone)"), "Delete a",
            Delete, [&](CLI::App* sub, const std::string& kind) {
              sub->add_option("name", crud.name,
                              kind == "document" ? "meetings/M/documents/D, or M/D"
                                                 : "Id or resource name")
                  ->required();
              sub->add_option("--etag", crud.etag, "Delete only if the etag still matches");
              if (kind == "meeting") {
                sub->add_flag("--force", crud.force, "Also delete the meeting's documents");
              }
            });

  ListArgs list;
  CLI::App* list_cmd = app.add_subcommand("list", "List resources, all pages");
  list_cmd->require_subcommand(1);
  auto add_paging = [&](CLI::App* sub) {
    sub->add_option("--limit", list.limit, "Stop after N results (default: all)")
        ->check(CLI::NonNegativeNumber);
    sub->add_option("--page-size", list.page_size, "Results per call (default: server's, 50)")
        ->check(CLI::Range(0, 1000));
  };
  CLI::App* list_meetings = list_cmd->add_subcommand("meetings", "List meetings by local date");
  list_meetings->add_option("--organization", list.organization,
                            "Only meetings this organization (id or name) organizes or joins");
  list_meetings->add_flag("--include-sub-organizations", list.include_sub_organizations,
                          "With --organization: its sub-organizations too");
  list_meetings->add_option("--person", list.person,
                            "Only meetings this person (id or name) takes part in");
  list_meetings->add_option("--from", list.from, "First local date, YYYY-MM-DD");
  list_meetings->add_option("--to", list.to, "Last local date (inclusive), YYYY-MM-DD");
  list_meetings->add_option("--on", list.on, "One local date, YYYY-MM-DD (sets --from and --to)");
  list_meetings->add_option("--order", list.order, "newest or oldest first")
      ->check(CLI::IsMember({"newest", "oldest"}))
      ->capture_default_str();
  add_paging(list_meetings);
  actions.emplace_back(list_meetings, [&](Cli& cli) { return ListMeetings(cli, list); });
  CLI::App* list_orgs = list_cmd->add_subcommand("organizations", "List organizations by id");
  list_orgs->add_option("--parent", list.parent, "Only the children of this organization");
  add_paging(list_orgs);
  actions.emplace_back(list_orgs, [&](Cli& cli) { return ListOrganizations(cli, list); });
  CLI::App* list_persons = list_cmd->add_subcommand("persons", "List persons by id");
  add_paging(list_persons);
  actions.emplace_back(list_persons, [&](Cli& cli) { return ListPersons(cli, list); });
  CLI::App* list_docs = list_cmd->add_subcommand("documents", "List the documents of a meeting");
  list_docs->add_option("--meeting", list.meeting, "Meeting (id or name)")->required();
  list_docs->add_option("--status", list.status, "Only this status (DRAFT, FINAL, ...)");
  list_docs->add_option("--type", list.type, "Only this type (REPORT, PROPOSAL, ...)");
  add_paging(list_docs);
  actions.emplace_back(list_docs, [&](Cli& cli) { return ListDocuments(cli, list); });

  std::string search_query;
  std::vector<std::string> search_types;
  ListArgs search_args;
  CLI::App* search_cmd = app.add_subcommand(
      "search", "Find records by words in titles and names, ignoring case and diacritics");
  search_cmd->add_option("query", search_query, "Words to find, e.g. \"nguyen khac hao\"")
      ->required();
  search_cmd->add_option("--type", search_types,
                         "Only these record types (ORGANIZATION, PERSON, MEETING, DOCUMENT)");
  search_cmd->add_option("--organization", search_args.organization,
                         "Only records of this organization (id or name)");
  search_cmd->add_flag("--include-sub-organizations", search_args.include_sub_organizations,
                       "With --organization: its sub-organizations too");
  search_cmd->add_option("--from", search_args.from, "Only meetings on or after, YYYY-MM-DD");
  search_cmd->add_option("--to", search_args.to, "Only meetings on or before, YYYY-MM-DD");
  search_cmd->add_option("--limit", search_args.limit, "Stop after N results (default: all)")
      ->check(CLI::NonNegativeNumber);
  actions.emplace_back(search_cmd, [&](Cli& cli) {
    return Search(cli, search_query, search_types, search_args);
  });

  ImportArgs import_args;
  CLI::App* import_cmd = app.add_subcommand(
      "import",
      "Create the records of a JSON Lines file, one Create request per line, in order "
      "(see the README for the line format)");
  import_cmd->add_option("file", import_args.file, "JSON Lines file; '-' for stdin")->required();
  import_cmd->add_flag("--continue-on-error", import_args.continue_on_error,
                       "Report bad lines and go on (default: stop at the first)");
  actions.emplace_back(import_cmd, [&](Cli& cli) { return Import(cli, import_args); });

  ExportArgs export_args;
  CLI::App* export_cmd = app.add_subcommand(
      "export", "Write records as JSON Lines that `meetings import` reads back");
  export_cmd->add_option("what", export_args.what,
                         "all (default: organizations, persons, meetings, documents), "
                         "organizations, persons, meetings or documents")
      ->check(CLI::IsMember({"all", "organizations", "persons", "meetings", "documents"}));
  export_cmd->add_option("-o,--output", export_args.output, "File to write; '-': stdout")
      ->capture_default_str();
  actions.emplace_back(export_cmd, [&](Cli& cli) { return Export(cli, export_args); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "meetings: " << e.what() << "\nRun with --help for more information.\n";
    return kExitUsage;
  }

  Cli cli(flags);
  for (auto& [sub, run] : actions) {
    if (!sub->parsed()) continue;
    try {
      cli.Connect();
      const absl::Status status = run(cli);
      if (status.ok()) return kExitOk;
      if (!status.message().empty()) std::cerr << "meetings: " << Describe(status) << "\n";
      return ExitCodeFor(status.code());
    } catch (const UsageError& e) {
      std::cerr << "meetings: " << e.message << "\n";
      return kExitUsage;
    }
  }
  std::cerr << "meetings: no command given\nRun with --help for more information.\n";
  return kExitUsage;
}

}  // namespace
}  // namespace meetings::cli

int main(int argc, char** argv) { return meetings::cli::Main(argc, argv); }
