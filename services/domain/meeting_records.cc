#include "services/domain/meeting_records.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/domain/etag.h"
#include "services/domain/field_mask.h"
#include "services/domain/local_time.h"
#include "services/domain/names.h"
#include "services/domain/page_token.h"

namespace meetings::domain {

using storage::CurrentRecord;
using storage::MutationResult;
using storage::RecordKey;
using storage::RecordKind;
using storage::Tombstone;

namespace {

// Debian's abseil keeps absl::string_view distinct from std::string_view.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return ts;
}

std::string NewUid() {
  thread_local absl::BitGen gen;
  const uint64_t hi = absl::Uniform<uint64_t>(gen);
  const uint64_t lo = absl::Uniform<uint64_t>(gen);
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xffff,
                         hi & 0xffff, lo >> 48, lo & 0xffffffffffffULL);
}

// Binds a page token to its query: the request with the paging fields
// cleared (page_size may change between pages, AIP-158).
template <typename Request>
uint64_t QueryFingerprint(const Request& request) {
  Request copy = request;
  copy.clear_page_token();
  copy.clear_page_size();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    copy.SerializeToCodedStream(&out);
  }
  return Fingerprint64(absl::StrCat(Request::descriptor()->full_name(), "\n", bytes));
}

absl::StatusOr<std::string> DecodeToken(std::string_view token, uint64_t fingerprint) {
  if (token.empty()) return std::string();
  return DecodePageToken(token, fingerprint);
}

std::string NextToken(const std::optional<std::string>& position, uint64_t fingerprint) {
  if (!position) return std::string();
  return EncodePageToken(fingerprint, *position);
}

const absl::flat_hash_set<std::string>& OutputOnlyPaths() {
  static const auto* paths = new absl::flat_hash_set<std::string>{
      "name", "uid", "create_time", "update_time", "etag", "local_start_date",
      "local_end_date"};
  return *paths;
}

absl::Status NotFound(std::string_view name) {
  return absl::NotFoundError(absl::StrCat(Sv(name), " does not exist"));
}

// How each resource type is stored; the standard methods below are written
// once in terms of it.
template <typename Resource>
struct Ops;

template <>
struct Ops<v1::Organization> {
  static constexpr std::string_view kField = "organization";
  static v1::Organization* Mutable(RecordEnvelope* e) { return e->mutable_organization(); }
  static const v1::Organization& Of(const RecordEnvelope& e) { return e.organization(); }
};
template <>
struct Ops<v1::Person> {
  static constexpr std::string_view kField = "person";
  static v1::Person* Mutable(RecordEnvelope* e) { return e->mutable_person(); }
  static const v1::Person& Of(const RecordEnvelope& e) { return e.person(); }
};
template <>
struct Ops<v1::Meeting> {
  static constexpr std::string_view kField = "meeting";
  static v1::Meeting* Mutable(RecordEnvelope* e) { return e->mutable_meeting(); }
  static const v1::Meeting& Of(const RecordEnvelope& e) { return e.meeting(); }
};
template <>
struct Ops<v1::Document> {
  static constexpr std::string_view kField = "document";
  static v1::Document* Mutable(RecordEnvelope* e) { return e->mutable_document(); }
  static const v1::Document& Of(const RecordEnvelope& e) { return e.document(); }
};

// Validates and normalizes a resource in place; runs under the record lock
// so references are checked against what is stored at commit.
template <typename Resource>
using Validator = std::function<absl::Status(Resource*)>;

template <typename Resource>
void ClearOutputOnly(Resource* r) {
  r->clear_name();
  r->clear_uid();
  r->clear_create_time();
  r->clear_update_time();
  r->clear_etag();
}

template <typename Resource>
absl::StatusOr<Resource> CreateRecord(storage::RecordStore* store, bool sync, absl::Time now,
                                      const RecordKey& key, std::string name,
                                      Resource resource, const Validator<Resource>& validate) {
  ClearOutputOnly(&resource);
  auto result = store->Mutate(
      key, {.sync = sync},
      [&](const CurrentRecord& current) -> absl::StatusOr<MutationResult> {
        if (current.record) {
          return absl::AlreadyExistsError(absl::StrCat(name, " already exists"));
        }
        if (current.tombstoned) {
          return absl::AlreadyExistsError(
              absl::StrCat(name, " was deleted; ids are never reused, pick another"));
        }
        RecordEnvelope envelope;
        Resource* r = Ops<Resource>::Mutable(&envelope);
        *r = resource;
        if (auto s = validate(r); !s.ok()) return s;
        envelope.set_revision(1);
        r->set_name(name);
        r->set_uid(NewUid());
        *r->mutable_create_time() = ToTimestamp(now);
        *r->mutable_update_time() = r->create_time();
        r->set_etag(MakeEtag(r->uid(), envelope.revision()));
        return MutationResult::Put(std::move(envelope));
      });
  if (!result.ok()) return result.status();
  return Ops<Resource>::Of(result->record);
}

template <typename Resource>
absl::StatusOr<Resource> GetRecord(storage::RecordStore* store, const RecordKey& key,
                                   std::string_view name) {
  auto current = store->Get(key);
  if (!current.ok()) return current.status();
  if (!current->record) return NotFound(name);
  return Ops<Resource>::Of(*current->record);
}

template <typename Resource>
absl::StatusOr<Resource> UpdateRecord(storage::RecordStore* store, bool sync, absl::Time now,
                                      const RecordKey& key, const Resource& patch,
                                      const google::protobuf::FieldMask& mask,
                                      const Validator<Resource>& validate) {
  const std::string field(Ops<Resource>::kField);
  auto result = store->Mutate(
      key, {.sync = sync},
      [&](const CurrentRecord& current) -> absl::StatusOr<MutationResult> {
        if (!current.record) return NotFound(patch.name());
        const Resource& stored = Ops<Resource>::Of(*current.record);
        if (auto s = CheckEtag(absl::StrCat(field, ".etag"), patch.etag(), stored.etag());
            !s.ok()) {
          return s;
        }
        RecordEnvelope envelope = *current.record;
        Resource* r = Ops<Resource>::Mutable(&envelope);
        if (auto s = ApplyUpdateMask(patch, mask, field, OutputOnlyPaths(), r); !s.ok()) {
          return s;
        }
        if (auto s = validate(r); !s.ok()) return s;
        envelope.set_revision(current.record->revision() + 1);
        *r->mutable_update_time() = ToTimestamp(now);
        r->set_etag(MakeEtag(r->uid(), envelope.revision()));
        return MutationResult::Put(std::move(envelope));
      });
  if (!result.ok()) return result.status();
  return Ops<Resource>::Of(result->record);
}

template <typename Resource>
absl::Status DeleteRecord(storage::RecordStore* store, storage::MutateOptions options,
                          absl::Time now, const RecordKey& key, std::string_view name,
                          std::string_view etag) {
  auto result = store->Mutate(
      key, options, [&](const CurrentRecord& current) -> absl::StatusOr<MutationResult> {
        if (!current.record) return NotFound(name);
        const Resource& stored = Ops<Resource>::Of(*current.record);
        if (auto s = CheckEtag("etag", etag, stored.etag()); !s.ok()) return s;
        Tombstone tombstone;
        tombstone.set_name(stored.name());
        tombstone.set_uid(stored.uid());
        *tombstone.mutable_delete_time() = ToTimestamp(now);
        tombstone.set_last_revision(current.record->revision());
        return MutationResult::Delete(std::move(tombstone));
      });
  if (!result.ok()) {
    if (absl::IsFailedPrecondition(result.status())) {
      return absl::FailedPreconditionError(
          absl::StrCat(Sv(name), ": ", result.status().message()));
    }
    return result.status();
  }
  return absl::OkStatus();
}

// The id for a new record: the caller's (validated) or a generated one.
absl::StatusOr<std::string> NewRecordId(std::string_view field, const std::string& given) {
  if (given.empty()) return GenerateId();
  if (auto s = ValidateId(field, given); !s.ok()) return s;
  return given;
}

absl::Status RequireResource(std::string_view field, bool present) {
  if (present) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(Sv(field), ": required"));
}

// "start_time" (or "start_time asc") -> false, "start_time desc" -> true.
absl::StatusOr<bool> ParseMeetingOrder(std::string_view order_by) {
  std::vector<std::string> words =
      absl::StrSplit(Sv(order_by), absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if (words.empty()) return false;
  if (words[0] == "start_time") {
    if (words.size() == 1) return false;
    if (words.size() == 2 && words[1] == "asc") return false;
    if (words.size() == 2 && words[1] == "desc") return true;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "order_by: expected \"start_time\" or \"start_time desc\", got \"",
      Sv(order_by.substr(0, 100)), "\""));
}

}  // namespace

absl::Status CallContext::CheckAlive() const {
  if (is_cancelled && is_cancelled()) return absl::CancelledError("the call was cancelled");
  if (absl::Now() > deadline) return absl::DeadlineExceededError("deadline exceeded");
  return absl::OkStatus();
}

MeetingRecords::MeetingRecords(storage::RecordStore* store, MeetingRecordsOptions options)
    : store_(store), options_(std::move(options)) {}

absl::Status MeetingRecords::Resolve(std::string_view field, std::string_view name,
                                     std::string_view collection) {
  auto id = ParseName(field, name, collection);
  if (!id.ok()) return id.status();
  const RecordKey key = collection == kPersons ? RecordKey::Person(*id)
                                               : RecordKey::Organization(*id);
  auto current = store_->Get(key);
  if (!current.ok()) return current.status();
  if (!current->record) {
    return absl::NotFoundError(absl::StrCat(Sv(field), ": ", Sv(name), " does not exist"));
  }
  return absl::OkStatus();
}

ReferenceResolver MeetingRecords::Resolver() {
  return [this](std::string_view field, std::string_view name, std::string_view collection) {
    return Resolve(field, name, collection);
  };
}

absl::StatusOr<size_t> MeetingRecords::PageSize(int requested) const {
  if (requested < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  if (requested == 0) return static_cast<size_t>(options_.default_page_size);
  return static_cast<size_t>(std::min(requested, options_.max_page_size));
}

// ---------------------------------------------------------------------------
// Organizations

absl::StatusOr<v1::Organization> MeetingRecords::CreateOrganization(
    const v1::CreateOrganizationRequest& request) {
  if (auto s = RequireResource("organization", request.has_organization()); !s.ok()) return s;
  auto id = NewRecordId("organization_id", request.organization_id());
  if (!id.ok()) return id.status();
  auto resolver = Resolver();
  return CreateRecord<v1::Organization>(
      store_, options_.sync_writes, options_.now(), RecordKey::Organization(*id),
      FormatName(kOrganizations, *id), request.organization(),
      [&](v1::Organization* org) { return ValidateOrganization("organization", resolver, org); });
}

absl::StatusOr<v1::Organization> MeetingRecords::GetOrganization(
    const v1::GetOrganizationRequest& request) {
  auto id = ParseName("name", request.name(), kOrganizations);
  if (!id.ok()) return id.status();
  return GetRecord<v1::Organization>(store_, RecordKey::Organization(*id), request.name());
}

absl::StatusOr<v1::Organization> MeetingRecords::UpdateOrganization(
    const v1::UpdateOrganizationRequest& request) {
  if (auto s = RequireResource("organization", request.has_organization()); !s.ok()) return s;
  auto id = ParseName("organization.name", request.organization().name(), kOrganizations);
  if (!id.ok()) return id.status();
  auto resolver = Resolver();
  return UpdateRecord<v1::Organization>(
      store_, options_.sync_writes, options_.now(), RecordKey::Organization(*id),
      request.organization(), request.update_mask(), [&](v1::Organization* org) {
        if (auto s = ValidateOrganization("organization", resolver, org); !s.ok()) return s;
        // A new parent must not be this organization or one of its descendants.
        for (std::string ancestor = org->parent(); !ancestor.empty();) {
          auto ancestor_id = ParseName("organization.parent", ancestor, kOrganizations);
          if (!ancestor_id.ok()) return ancestor_id.status();
          if (*ancestor_id == *id) {
            return absl::InvalidArgumentError(
                "organization.parent: would make the organization its own ancestor");
          }
          auto parent = store_->Get(RecordKey::Organization(*ancestor_id));
          if (!parent.ok()) return parent.status();
          if (!parent->record) break;
          ancestor = parent->record->organization().parent();
        }
        return absl::OkStatus();
      });
}

absl::Status MeetingRecords::DeleteOrganization(const v1::DeleteOrganizationRequest& request) {
  auto id = ParseName("name", request.name(), kOrganizations);
  if (!id.ok()) return id.status();
  return DeleteRecord<v1::Organization>(store_, {.sync = options_.sync_writes}, options_.now(),
                                        RecordKey::Organization(*id), request.name(),
                                        request.etag());
}

absl::StatusOr<v1::ListOrganizationsResponse> MeetingRecords::ListOrganizations(
    const v1::ListOrganizationsRequest& request, const CallContext& context) {
  auto page_size = PageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  const uint64_t fingerprint = QueryFingerprint(request);
  auto after = DecodeToken(request.page_token(), fingerprint);
  if (!after.ok()) return after.status();
  absl::StatusOr<storage::RecordPage> page;
  if (request.parent().empty()) {
    page = store_->List(RecordKind::kOrganization, "", *after, *page_size);
  } else {
    auto parent = ParseName("parent", request.parent(), kOrganizations);
    if (!parent.ok()) return parent.status();
    if (auto s = Resolve("parent", request.parent(), kOrganizations); !s.ok()) return s;
    page = store_->ListChildOrganizations(*parent, *after, *page_size);
  }
  if (!page.ok()) return page.status();
  v1::ListOrganizationsResponse response;
  for (auto& record : page->records) {
    *response.add_organizations() = std::move(*record.mutable_organization());
  }
  response.set_next_page_token(NextToken(page->next_after_id, fingerprint));
  return response;
}

// ---------------------------------------------------------------------------
// Persons

absl::StatusOr<v1::Person> MeetingRecords::CreatePerson(const v1::CreatePersonRequest& request) {
  if (auto s = RequireResource("person", request.has_person()); !s.ok()) return s;
  auto id = NewRecordId("person_id", request.person_id());
  if (!id.ok()) return id.status();
  auto resolver = Resolver();
  return CreateRecord<v1::Person>(
      store_, options_.sync_writes, options_.now(), RecordKey::Person(*id),
      FormatName(kPersons, *id), request.person(),
      [&](v1::Person* p) { return ValidatePerson("person", resolver, p); });
}

absl::StatusOr<v1::Person> MeetingRecords::GetPerson(const v1::GetPersonRequest& request) {
  auto id = ParseName("name", request.name(), kPersons);
  if (!id.ok()) return id.status();
  return GetRecord<v1::Person>(store_, RecordKey::Person(*id), request.name());
}

absl::StatusOr<v1::Person> MeetingRecords::UpdatePerson(const v1::UpdatePersonRequest& request) {
  if (auto s = RequireResource("person", request.has_person()); !s.ok()) return s;
  auto id = ParseName("person.name", request.person().name(), kPersons);
  if (!id.ok()) return id.status();
  auto resolver = Resolver();
  return UpdateRecord<v1::Person>(
      store_, options_.sync_writes, options_.now(), RecordKey::Person(*id), request.person(),
      request.update_mask(),
      [&](v1::Person* p) { return ValidatePerson("person", resolver, p); });
}

absl::Status MeetingRecords::DeletePerson(const v1::DeletePersonRequest& request) {
  auto id = ParseName("name", request.name(), kPersons);
  if (!id.ok()) return id.status();
  return DeleteRecord<v1::Person>(store_, {.sync = options_.sync_writes}, options_.now(),
                                  RecordKey::Person(*id), request.name(), request.etag());
}

absl::StatusOr<v1::ListPersonsResponse> MeetingRecords::ListPersons(
    const v1::ListPersonsRequest& request, const CallContext& context) {
  auto page_size = PageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  const uint64_t fingerprint = QueryFingerprint(request);
  auto after = DecodeToken(request.page_token(), fingerprint);
  if (!after.ok()) return after.status();
  auto page = store_->List(RecordKind::kPerson, "", *after, *page_size);
  if (!page.ok()) return page.status();
  v1::ListPersonsResponse response;
  for (auto& record : page->records) *response.add_persons() = std::move(*record.mutable_person());
  response.set_next_page_token(NextToken(page->next_after_id, fingerprint));
  return response;
}

// ---------------------------------------------------------------------------
// Meetings

absl::StatusOr<v1::Meeting> MeetingRecords::CreateMeeting(
    const v1::CreateMeetingRequest& request) {
  if (auto s = RequireResource("meeting", request.has_meeting()); !s.ok()) return s;
  auto id = NewRecordId("meeting_id", request.meeting_id());
  if (!id.ok()) return id.status();
  auto resolver = Resolver();
  return CreateRecord<v1::Meeting>(
      store_, options_.sync_writes, options_.now(), RecordKey::Meeting(*id),
      FormatName(kMeetings, *id), request.meeting(), [&](v1::Meeting* m) {
        return ValidateMeeting("meeting", resolver, options_.limits, m);
      });
}

absl::StatusOr<v1::Meeting> MeetingRecords::GetMeeting(const v1::GetMeetingRequest& request) {
  auto id = ParseName("name", request.name(), kMeetings);
  if (!id.ok()) return id.status();
  return GetRecord<v1::Meeting>(store_, RecordKey::Meeting(*id), request.name());
}

absl::StatusOr<v1::Meeting> MeetingRecords::UpdateMeeting(
    const v1::UpdateMeetingRequest& request) {
  if (auto s = RequireResource("meeting", request.has_meeting()); !s.ok()) return s;
  auto id = ParseName("meeting.name", request.meeting().name(), kMeetings);
  if (!id.ok()) return id.status();
  auto resolver = Resolver();
  return UpdateRecord<v1::Meeting>(
      store_, options_.sync_writes, options_.now(), RecordKey::Meeting(*id), request.meeting(),
      request.update_mask(),
      [&](v1::Meeting* m) { return ValidateMeeting("meeting", resolver, options_.limits, m); });
}

absl::Status MeetingRecords::DeleteMeeting(const v1::DeleteMeetingRequest& request) {
  auto id = ParseName("name", request.name(), kMeetings);
  if (!id.ok()) return id.status();
  return DeleteRecord<v1::Meeting>(
      store_, {.delete_children = request.force(), .sync = options_.sync_writes},
      options_.now(), RecordKey::Meeting(*id), request.name(), request.etag());
}

absl::StatusOr<v1::ListMeetingsResponse> MeetingRecords::ListMeetings(
    const v1::ListMeetingsRequest& request, const CallContext& context) {
  auto page_size = PageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  auto descending = ParseMeetingOrder(request.order_by());
  if (!descending.ok()) return descending.status();

  storage::MeetingQuery query;
  query.limit = *page_size;
  query.descending = *descending;
  if (request.has_start_date()) {
    auto day = ToCivilDay("start_date", request.start_date());
    if (!day.ok()) return day.status();
    query.first_day = DaysSinceEpoch(*day);
  }
  if (request.has_end_date()) {
    auto day = ToCivilDay("end_date", request.end_date());
    if (!day.ok()) return day.status();
    query.last_day = DaysSinceEpoch(*day);
    if (query.first_day && *query.last_day < *query.first_day) {
      return absl::InvalidArgumentError("end_date: is before start_date");
    }
  }
  if (!request.organization().empty() && !request.person().empty()) {
    return absl::InvalidArgumentError(
        "person: cannot be combined with organization; query one of them");
  }
  if (request.include_sub_organizations() && request.organization().empty()) {
    return absl::InvalidArgumentError("include_sub_organizations: requires organization");
  }
  if (!request.organization().empty()) {
    auto org = ParseName("organization", request.organization(), kOrganizations);
    if (!org.ok()) return org.status();
    if (auto s = Resolve("organization", request.organization(), kOrganizations); !s.ok()) {
      return s;
    }
    query.index = storage::MeetingQuery::Index::kByOrganization;
    if (request.include_sub_organizations()) {
      auto subtree = store_->OrganizationSubtree(*org, options_.max_subtree_organizations);
      if (!subtree.ok()) return subtree.status();
      query.scope_ids = *std::move(subtree);
    } else {
      query.scope_ids = {*org};
    }
  } else if (!request.person().empty()) {
    auto person = ParseName("person", request.person(), kPersons);
    if (!person.ok()) return person.status();
    if (auto s = Resolve("person", request.person(), kPersons); !s.ok()) return s;
    query.index = storage::MeetingQuery::Index::kByPerson;
    query.scope_ids = {*person};
  }

  const uint64_t fingerprint = QueryFingerprint(request);
  auto after = DecodeToken(request.page_token(), fingerprint);
  if (!after.ok()) return after.status();
  query.after = *std::move(after);
  query.stop_check = [&context] { return context.CheckAlive(); };

  auto page = store_->QueryMeetings(query);
  if (!page.ok()) return page.status();
  v1::ListMeetingsResponse response;
  for (auto& meeting : page->meetings) *response.add_meetings() = std::move(meeting);
  response.set_next_page_token(NextToken(page->next_position, fingerprint));
  return response;
}

// ---------------------------------------------------------------------------
// Documents

absl::StatusOr<v1::Document> MeetingRecords::CreateDocument(
    const v1::CreateDocumentRequest& request) {
  auto meeting_id = ParseName("parent", request.parent(), kMeetings);
  if (!meeting_id.ok()) return meeting_id.status();
  if (auto s = RequireResource("document", request.has_document()); !s.ok()) return s;
  auto id = NewRecordId("document_id", request.document_id());
  if (!id.ok()) return id.status();
  auto resolver = Resolver();
  return CreateRecord<v1::Document>(
      store_, options_.sync_writes, options_.now(), RecordKey::Document(*meeting_id, *id),
      FormatDocumentName(*meeting_id, *id), request.document(), [&](v1::Document* d) {
        // The meeting is locked with its document, so it cannot vanish now.
        auto meeting = store_->Get(RecordKey::Meeting(*meeting_id));
        if (!meeting.ok()) return meeting.status();
        if (!meeting->record) {
          return absl::NotFoundError(absl::StrCat("parent: ", request.parent(), " does not exist"));
        }
        return ValidateDocument("document", resolver, d);
      });
}

absl::StatusOr<v1::Document> MeetingRecords::GetDocument(const v1::GetDocumentRequest& request) {
  auto name = ParseDocumentName("name", request.name());
  if (!name.ok()) return name.status();
  return GetRecord<v1::Document>(store_, RecordKey::Document(name->meeting_id, name->document_id),
                                 request.name());
}

absl::StatusOr<v1::Document> MeetingRecords::UpdateDocument(
    const v1::UpdateDocumentRequest& request) {
  if (auto s = RequireResource("document", request.has_document()); !s.ok()) return s;
  auto name = ParseDocumentName("document.name", request.document().name());
  if (!name.ok()) return name.status();
  auto resolver = Resolver();
  return UpdateRecord<v1::Document>(
      store_, options_.sync_writes, options_.now(),
      RecordKey::Document(name->meeting_id, name->document_id), request.document(),
      request.update_mask(),
      [&](v1::Document* d) { return ValidateDocument("document", resolver, d); });
}

absl::Status MeetingRecords::DeleteDocument(const v1::DeleteDocumentRequest& request) {
  auto name = ParseDocumentName("name", request.name());
  if (!name.ok()) return name.status();
  return DeleteRecord<v1::Document>(store_, {.sync = options_.sync_writes}, options_.now(),
                                    RecordKey::Document(name->meeting_id, name->document_id),
                                    request.name(), request.etag());
}

absl::StatusOr<v1::ListDocumentsResponse> MeetingRecords::ListDocuments(
    const v1::ListDocumentsRequest& request, const CallContext& context) {
  auto meeting_id = ParseName("parent", request.parent(), kMeetings);
  if (!meeting_id.ok()) return meeting_id.status();
  if (!v1::Document::Status_IsValid(request.status())) {
    return absl::InvalidArgumentError("status: unknown Document.Status value");
  }
  if (!v1::Document::Type_IsValid(request.type())) {
    return absl::InvalidArgumentError("type: unknown Document.Type value");
  }
  auto page_size = PageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  auto meeting = store_->Get(RecordKey::Meeting(*meeting_id));
  if (!meeting.ok()) return meeting.status();
  if (!meeting->record) return NotFound(request.parent());
  const uint64_t fingerprint = QueryFingerprint(request);
  auto after = DecodeToken(request.page_token(), fingerprint);
  if (!after.ok()) return after.status();
  auto page = store_->List(
      RecordKind::kDocument, *meeting_id, *after, *page_size,
      [&request](const RecordEnvelope& e) {
        return (request.status() == v1::Document::STATUS_UNSPECIFIED ||
                e.document().status() == request.status()) &&
               (request.type() == v1::Document::TYPE_UNSPECIFIED ||
                e.document().type() == request.type());
      });
  if (!page.ok()) return page.status();
  v1::ListDocumentsResponse response;
  for (auto& record : page->records) {
    *response.add_documents() = std::move(*record.mutable_document());
  }
  response.set_next_page_token(NextToken(page->next_after_id, fingerprint));
  return response;
}

}  // namespace meetings::domain
