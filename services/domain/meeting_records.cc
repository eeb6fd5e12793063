#include "services/domain/meeting_records.h"

#include "google/protobuf/wire_format_lite.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/numbers.h"
#include "absl/container/flat_hash_map.h"
#include "services/domain/text.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/domain/etag.h"
#include "services/domain/field_mask.h"
#include "services/domain/local_time.h"
#include "services/domain/names.h"
#include "services/domain/page_token.h"
#include "services/domain/search_terms.h"

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
  // Asking for the total on the first page only does not change the query.
  if constexpr (requires { copy.clear_show_total_size(); }) copy.clear_show_total_size();
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

// DecodeToken for lists ordered by id, whose position is the last id
// returned. A token can be forged (see page_token.h), so the position is
// checked to be an id before a scan resumes from it.
absl::StatusOr<std::string> DecodeIdToken(std::string_view token, uint64_t fingerprint) {
  auto position = DecodeToken(token, fingerprint);
  if (position.ok() && !position->empty() && !IsValidId(*position)) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  return position;
}

// Pages of this size when counting a whole query (show_total_size).
constexpr size_t kCountPageSize = 1000;

// Counts the records a list query matches by walking all its pages:
// `fetch(after, limit)` returns a storage::RecordPage, `keep(record)` an
// absl::StatusOr<bool> (the caller may read it). Saturates at INT32_MAX.
template <typename Fetch, typename Keep>
absl::StatusOr<int32_t> CountAllPages(const CallContext& context, Fetch&& fetch, Keep&& keep) {
  int64_t total = 0;
  std::string after;
  while (true) {
    if (absl::Status alive = context.CheckAlive(); !alive.ok()) return alive;
    absl::StatusOr<storage::RecordPage> page = fetch(after, kCountPageSize);
    if (!page.ok()) return page.status();
    for (const RecordEnvelope& record : page->records) {
      absl::StatusOr<bool> kept = keep(record);
      if (!kept.ok()) return kept.status();
      total += *kept ? 1 : 0;
    }
    if (!page->next_after_id) break;
    after = *std::move(page->next_after_id);
  }
  return static_cast<int32_t>(std::min<int64_t>(total, INT32_MAX));
}

// Whether a list request asks for total_size: on its first page only.
template <typename Request>
bool WantsTotalSize(const Request& request) {
  return request.show_total_size() && request.page_token().empty();
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

// Checks the caller's right to a write, under the record lock so the
// records it reads (meeting, organization tree) cannot change meanwhile.
// Returns OK, NOT_FOUND (may not even read) or PERMISSION_DENIED. Null: no
// check (authorization off).
using CreateCheck = std::function<absl::Status()>;
template <typename Resource>
using RecordCheck = std::function<absl::Status(const Resource&)>;
// Whether the caller may read a record; null: yes.
template <typename Resource>
using ReadCheck = std::function<absl::StatusOr<bool>(const Resource&)>;

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
                                      const std::string& actor, const RecordKey& key,
                                      std::string name, Resource resource,
                                      const Validator<Resource>& validate,
                                      const CreateCheck& authorize = nullptr) {
  ClearOutputOnly(&resource);
  auto result = store->Mutate(
      key, {.sync = sync},
      [&](const CurrentRecord& current) -> absl::StatusOr<MutationResult> {
        // Before the existence check: a caller without the right learns
        // nothing about which ids are taken.
        if (authorize) {
          if (auto s = authorize(); !s.ok()) return s;
        }
        if (current.record) {
          return absl::AlreadyExistsError(absl::StrCat(name, " already exists"));
        }
        if (current.tombstoned) {
          return absl::AlreadyExistsError(
              absl::StrCat(name, " was deleted; ids are never reused, pick another"));
        }
        RecordEnvelope envelope;
        Resource* r = Ops<Resource>::Mutable(&envelope);
        // Mutate decides once, so the caller's copy can be moved in.
        *r = std::move(resource);
        if (auto s = validate(r); !s.ok()) return s;
        envelope.set_revision(1);
        envelope.set_actor(actor);
        r->set_name(name);
        r->set_uid(NewUid());
        *r->mutable_create_time() = ToTimestamp(now);
        *r->mutable_update_time() = r->create_time();
        r->set_etag(MakeEtag(r->uid(), envelope.revision()));
        SetSearchTerms(&envelope);
        return MutationResult::Put(std::move(envelope));
      });
  if (!result.ok()) return result.status();
  return std::move(*Ops<Resource>::Mutable(&result->record));
}

template <typename Resource>
absl::StatusOr<Resource> GetRecord(storage::RecordStore* store, const RecordKey& key,
                                   std::string_view name,
                                   const ReadCheck<Resource>& can_read = nullptr) {
  auto current = store->Get(key);
  if (!current.ok()) return current.status();
  if (!current->record) return NotFound(name);
  Resource* resource = Ops<Resource>::Mutable(&*current->record);
  if (can_read) {
    auto readable = can_read(*resource);
    if (!readable.ok()) return readable.status();
    if (!*readable) return NotFound(name);
  }
  // Moved out of the envelope, which is discarded: a copy of a meeting with
  // its participants cost as much as parsing it.
  return std::move(*resource);
}

template <typename Resource>
absl::StatusOr<Resource> UpdateRecord(storage::RecordStore* store, bool sync, absl::Time now,
                                      const std::string& actor, const RecordKey& key,
                                      const Resource& patch,
                                      const google::protobuf::FieldMask& mask,
                                      const Validator<Resource>& validate,
                                      const RecordCheck<Resource>& authorize_stored = nullptr,
                                      const RecordCheck<Resource>& authorize_result = nullptr) {
  const std::string field(Ops<Resource>::kField);
  auto result = store->Mutate(
      key, {.sync = sync},
      [&](const CurrentRecord& current) -> absl::StatusOr<MutationResult> {
        if (!current.record) return NotFound(patch.name());
        const Resource& stored = Ops<Resource>::Of(*current.record);
        if (authorize_stored) {
          if (auto s = authorize_stored(stored); !s.ok()) return s;
        }
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
        if (authorize_result) {
          if (auto s = authorize_result(*r); !s.ok()) return s;
        }
        envelope.set_revision(current.record->revision() + 1);
        envelope.set_actor(actor);
        *r->mutable_update_time() = ToTimestamp(now);
        r->set_etag(MakeEtag(r->uid(), envelope.revision()));
        SetSearchTerms(&envelope);
        return MutationResult::Put(std::move(envelope));
      });
  if (!result.ok()) return result.status();
  return std::move(*Ops<Resource>::Mutable(&result->record));
}

template <typename Resource>
absl::Status DeleteRecord(storage::RecordStore* store, storage::MutateOptions options,
                          absl::Time now, const std::string& actor, const RecordKey& key,
                          std::string_view name, std::string_view etag,
                          const RecordCheck<Resource>& authorize_stored = nullptr) {
  auto result = store->Mutate(
      key, options, [&](const CurrentRecord& current) -> absl::StatusOr<MutationResult> {
        if (!current.record) return NotFound(name);
        const Resource& stored = Ops<Resource>::Of(*current.record);
        if (authorize_stored) {
          if (auto s = authorize_stored(stored); !s.ok()) return s;
        }
        if (auto s = CheckEtag("etag", etag, stored.etag()); !s.ok()) return s;
        Tombstone tombstone;
        tombstone.set_name(stored.name());
        tombstone.set_uid(stored.uid());
        *tombstone.mutable_delete_time() = ToTimestamp(now);
        tombstone.set_last_revision(current.record->revision());
        tombstone.set_actor(actor);
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

// A participant who is a registered person keeps the name they had when the
// meeting was written (see Participant.display_name): an empty display name
// is filled with the person's full name, from `known` (the names a resolver
// has already read) or else from the store.
absl::Status FillParticipantNames(storage::RecordStore* store,
                                  const absl::flat_hash_map<std::string, std::string>& known,
                                  v1::Meeting* m) {
  for (auto& p : *m->mutable_participants()) {
    if (!p.has_person() || !p.display_name().empty()) continue;
    if (auto it = known.find(p.person()); it != known.end()) {
      p.set_display_name(it->second);
      continue;
    }
    auto id = ParseName("person", p.person(), kPersons);
    if (!id.ok()) return id.status();
    auto person = store->Get(RecordKey::Person(*id));
    if (!person.ok()) return person.status();
    if (person->record) p.set_display_name(person->record->person().full_name());
  }
  return absl::OkStatus();
}

// Which record a resource name of any kind names.
absl::StatusOr<RecordKey> RecordKeyOfName(std::string_view field, std::string_view name) {
  if (name.substr(0, kOrganizations.size() + 1) == std::string(kOrganizations) + "/") {
    auto id = ParseName(field, name, kOrganizations);
    if (!id.ok()) return id.status();
    return RecordKey::Organization(*id);
  }
  if (name.substr(0, kPersons.size() + 1) == std::string(kPersons) + "/") {
    auto id = ParseName(field, name, kPersons);
    if (!id.ok()) return id.status();
    return RecordKey::Person(*id);
  }
  if (name.find("/documents/") != std::string_view::npos) {
    auto doc = ParseDocumentName(field, name);
    if (!doc.ok()) return doc.status();
    return RecordKey::Document(doc->meeting_id, doc->document_id);
  }
  auto id = ParseName(field, name, kMeetings);
  if (!id.ok()) return id.status();
  return RecordKey::Meeting(*id);
}

// Copies the resource of an envelope into any message with the same oneof
// (Revision, Change, SearchResult).
template <typename Message>
void SetResource(const RecordEnvelope& e, Message* out) {
  switch (e.resource_case()) {
    case RecordEnvelope::kOrganization: *out->mutable_organization() = e.organization(); break;
    case RecordEnvelope::kPerson: *out->mutable_person() = e.person(); break;
    case RecordEnvelope::kMeeting: *out->mutable_meeting() = e.meeting(); break;
    case RecordEnvelope::kDocument: *out->mutable_document() = e.document(); break;
    default: break;
  }
}

v1::Revision ToRevision(const storage::ChangeRecord& c) {
  v1::Revision r;
  r.set_name(c.name());
  r.set_revision_id(c.revision());
  r.set_type(c.type());
  *r.mutable_create_time() = c.commit_time();
  r.set_actor(c.actor());
  SetResource(c.record(), &r);
  return r;
}

v1::Change ToChange(const storage::ChangeRecord& c) {
  v1::Change out;
  out.set_sequence(c.sequence());
  out.set_type(c.type());
  *out.mutable_commit_time() = c.commit_time();
  out.set_actor(c.actor());
  out.set_name(c.name());
  out.set_revision_id(c.revision());
  SetResource(c.record(), &out);
  return out;
}

v1::RecordType RecordTypeOf(RecordKind kind) {
  switch (kind) {
    case RecordKind::kOrganization: return v1::ORGANIZATION;
    case RecordKind::kPerson: return v1::PERSON;
    case RecordKind::kMeeting: return v1::MEETING;
    case RecordKind::kDocument: return v1::DOCUMENT;
  }
  return v1::RECORD_TYPE_UNSPECIFIED;
}

// Optional inclusive local-day bounds of a request.
struct DayWindow {
  std::optional<int32_t> first;
  std::optional<int32_t> last;
  bool active() const { return first || last; }
  bool Overlaps(int32_t from, int32_t to) const {
    return (!first || to >= *first) && (!last || from <= *last);
  }
};

template <typename Request>
absl::StatusOr<DayWindow> DayWindowOf(const Request& request) {
  DayWindow window;
  if (request.has_start_date()) {
    auto day = ToCivilDay("start_date", request.start_date());
    if (!day.ok()) return day.status();
    window.first = DaysSinceEpoch(*day);
  }
  if (request.has_end_date()) {
    auto day = ToCivilDay("end_date", request.end_date());
    if (!day.ok()) return day.status();
    window.last = DaysSinceEpoch(*day);
    if (window.first && *window.last < *window.first) {
      return absl::InvalidArgumentError("end_date: is before start_date");
    }
  }
  return window;
}

int32_t EpochDay(const v1::Date& d) {
  return DaysSinceEpoch(absl::CivilDay(d.year(), d.month(), d.day()));
}

// ---------------------------------------------------------------------------
// Access checks shared by the methods. Each returns OK, NOT_FOUND (the
// caller may not even read the record: it looks missing) or
// PERMISSION_DENIED (it may read but not do this).

const char* LevelName(AccessLevel level) {
  switch (level) {
    case AccessLevel::kRead: return "READ";
    case AccessLevel::kWrite: return "WRITE";
    case AccessLevel::kAdmin: return "ADMIN";
    default: return "NONE";
  }
}

// `needed` on organization `id` (resource name `name`).
absl::Status RequireOrganization(AccessChecker* access, std::string_view id,
                                 std::string_view name, AccessLevel needed,
                                 std::string_view action) {
  if (access->unrestricted()) return absl::OkStatus();
  auto level = access->LevelOn(id);
  if (!level.ok()) return level.status();
  if (*level < AccessLevel::kRead) return NotFound(name);
  if (*level < needed) {
    return PermissionDenied(access->principal(),
                            absl::StrCat(Sv(action), " ", Sv(name), ": it needs ",
                                         LevelName(needed), " on it"));
  }
  return absl::OkStatus();
}

// `needed` on the organization a reference names (a parent, a filter),
// without revealing whether it exists: PERMISSION_DENIED either way.
absl::Status RequireReferencedOrganization(AccessChecker* access, std::string_view field,
                                           std::string_view name, AccessLevel needed,
                                           std::string_view action) {
  if (access->unrestricted()) return absl::OkStatus();
  auto level = access->LevelOnName(name);
  if (!level.ok()) return level.status();
  if (*level >= needed) return absl::OkStatus();
  return PermissionDenied(access->principal(),
                          absl::StrCat(Sv(action), ": ", Sv(field), " needs ",
                                       LevelName(needed), " on ",
                                       Sv(name.empty() ? std::string_view("(none)") : name)));
}

// Writing a stored meeting (or a document of it, `name`).
absl::Status RequireMeetingWrite(AccessChecker* access, const v1::Meeting& meeting,
                                 std::string_view name) {
  if (access->unrestricted()) return absl::OkStatus();
  auto readable = access->CanReadMeeting(meeting);
  if (!readable.ok()) return readable.status();
  if (!*readable) return NotFound(name);
  auto writable = access->CanWriteMeeting(meeting);
  if (!writable.ok()) return writable.status();
  if (!*writable) {
    return PermissionDenied(access->principal(),
                            absl::StrCat("change ", Sv(name),
                                         ": it needs WRITE on one of the meeting's organizers"));
  }
  return absl::OkStatus();
}

// A meeting as it is about to be written (created or updated).
absl::Status RequireWritableResult(AccessChecker* access, const v1::Meeting& meeting,
                                   std::string_view action) {
  if (access->unrestricted()) return absl::OkStatus();
  auto writable = access->CanWriteMeeting(meeting);
  if (!writable.ok()) return writable.status();
  if (*writable) return absl::OkStatus();
  return PermissionDenied(access->principal(),
                          absl::StrCat(Sv(action),
                                       ": meeting.organizers must include an organization "
                                       "it holds WRITE on"));
}

// The stored meeting of a document; NOT_FOUND (as `name`) when the caller
// may not read it or it is gone.
absl::StatusOr<v1::Meeting> ReadableMeetingOf(storage::RecordStore* store,
                                              AccessChecker* access,
                                              const std::string& meeting_id,
                                              std::string_view name) {
  auto meeting = store->Get(RecordKey::Meeting(meeting_id));
  if (!meeting.ok()) return meeting.status();
  if (!meeting->record) return NotFound(name);
  auto readable = access->CanReadMeeting(meeting->record->meeting());
  if (!readable.ok()) return readable.status();
  if (!*readable) return NotFound(name);
  return meeting->record->meeting();
}

// Whether the caller may read a record as of one of its versions (live,
// historical or deleted). A document is read through its meeting's
// organizations, `document_organization_ids` (as the change feed records
// them); a document of unknown meeting is not readable.
absl::StatusOr<bool> CanReadVersion(AccessChecker* access, const RecordEnvelope& version,
                                    const std::vector<std::string>& document_organization_ids) {
  if (access->unrestricted()) return true;
  switch (version.resource_case()) {
    case RecordEnvelope::kOrganization: {
      const v1::Organization& org = version.organization();
      const std::string id(org.name().substr(std::min(org.name().size(),
                                                      kOrganizations.size() + 1)));
      auto level = access->LevelOn(id, &org.parent());
      if (!level.ok()) return level.status();
      return *level >= AccessLevel::kRead;
    }
    case RecordEnvelope::kPerson:
      return access->CanReadPersons();
    case RecordEnvelope::kMeeting:
      return access->CanReadMeeting(version.meeting());
    case RecordEnvelope::kDocument:
      for (const std::string& id : document_organization_ids) {
        auto level = access->LevelOn(id);
        if (!level.ok()) return level.status();
        if (*level >= AccessLevel::kRead) return true;
      }
      return false;
    default:
      return false;
  }
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
                                     std::string_view collection, PersonNames* person_names) {
  auto id = ParseName(field, name, collection);
  if (!id.ok()) return id.status();
  const bool person = collection == kPersons;
  const RecordKey key = person ? RecordKey::Person(*id) : RecordKey::Organization(*id);
  if (person && person_names != nullptr) {
    auto current = store_->Get(key);
    if (!current.ok()) return current.status();
    if (!current->record) {
      return absl::NotFoundError(absl::StrCat(Sv(field), ": ", Sv(name), " does not exist"));
    }
    (*person_names)[std::string(name)] = current->record->person().full_name();
    return absl::OkStatus();
  }
  auto exists = store_->Exists(key);
  if (!exists.ok()) return exists.status();
  if (!*exists) {
    return absl::NotFoundError(absl::StrCat(Sv(field), ": ", Sv(name), " does not exist"));
  }
  return absl::OkStatus();
}

absl::Status MeetingRecords::RequireDocumentWrite(AccessChecker* access,
                                                  const std::string& meeting_id,
                                                  std::string_view document_name) {
  if (access->unrestricted()) return absl::OkStatus();
  auto meeting = store_->Get(RecordKey::Meeting(meeting_id));
  if (!meeting.ok()) return meeting.status();
  if (!meeting->record) return NotFound(document_name);
  return RequireMeetingWrite(access, meeting->record->meeting(), document_name);
}

ReferenceResolver MeetingRecords::Resolver(PersonNames* person_names) {
  // A meeting names the same few organizations again and again (each
  // participant's on_behalf_of), so each name is looked up once per call.
  // Only names found are remembered; records cannot vanish meanwhile, since
  // validation runs under the store's lock that deletes of organizations
  // and persons take exclusively.
  auto found = std::make_shared<absl::flat_hash_set<std::string>>();
  return [this, found, person_names](std::string_view field, std::string_view name,
                                     std::string_view collection) -> absl::Status {
    const std::string memo_key = absl::StrCat(Sv(collection), "\n", Sv(name));
    if (found->contains(memo_key)) return absl::OkStatus();
    absl::Status status = Resolve(field, name, collection, person_names);
    if (status.ok()) found->insert(memo_key);
    return status;
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
    const v1::CreateOrganizationRequest& request, const CallContext& context) {
  if (auto s = RequireResource("organization", request.has_organization()); !s.ok()) return s;
  auto id = NewRecordId("organization_id", request.organization_id());
  if (!id.ok()) return id.status();
  auto resolver = Resolver();
  AccessChecker access(store_, context.principal);
  return CreateRecord<v1::Organization>(
      store_, options_.sync_writes, options_.now(), context.actor, RecordKey::Organization(*id),
      FormatName(kOrganizations, *id), request.organization(),
      [&](v1::Organization* org) { return ValidateOrganization("organization", resolver, org); },
      [&]() -> absl::Status {
        if (access.unrestricted()) return absl::OkStatus();
        if (request.organization().parent().empty()) {
          return PermissionDenied(context.principal,
                                  "create root organizations: only global administrators may");
        }
        return RequireReferencedOrganization(&access, "organization.parent",
                                             request.organization().parent(),
                                             AccessLevel::kWrite, "create organizations");
      });
}

absl::StatusOr<v1::Organization> MeetingRecords::GetOrganization(
    const v1::GetOrganizationRequest& request, const CallContext& context) {
  auto id = ParseName("name", request.name(), kOrganizations);
  if (!id.ok()) return id.status();
  AccessChecker access(store_, context.principal);
  return GetRecord<v1::Organization>(
      store_, RecordKey::Organization(*id), request.name(),
      [&](const v1::Organization&) -> absl::StatusOr<bool> {
        auto level = access.LevelOn(*id);
        if (!level.ok()) return level.status();
        return *level >= AccessLevel::kRead;
      });
}

absl::StatusOr<v1::Organization> MeetingRecords::UpdateOrganization(
    const v1::UpdateOrganizationRequest& request, const CallContext& context) {
  if (auto s = RequireResource("organization", request.has_organization()); !s.ok()) return s;
  auto id = ParseName("organization.name", request.organization().name(), kOrganizations);
  if (!id.ok()) return id.status();
  auto resolver = Resolver();
  AccessChecker access(store_, context.principal);
  std::string stored_parent;
  return UpdateRecord<v1::Organization>(
      store_, options_.sync_writes, options_.now(), context.actor, RecordKey::Organization(*id),
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
      },
      [&](const v1::Organization& stored) {
        stored_parent = stored.parent();
        return RequireOrganization(&access, *id, request.organization().name(),
                                   AccessLevel::kWrite, "change");
      },
      [&](const v1::Organization& updated) -> absl::Status {
        if (access.unrestricted() || updated.parent() == stored_parent) return absl::OkStatus();
        // Moving an organization moves every right held through its
        // ancestors: ADMIN on it, and WRITE where it lands.
        if (auto s = RequireOrganization(&access, *id, updated.name(), AccessLevel::kAdmin,
                                         "move");
            !s.ok()) {
          return s;
        }
        if (updated.parent().empty()) {
          return PermissionDenied(context.principal,
                                  "make an organization a root: only global administrators may");
        }
        return RequireReferencedOrganization(&access, "organization.parent", updated.parent(),
                                             AccessLevel::kWrite, "move organizations");
      });
}

absl::Status MeetingRecords::DeleteOrganization(const v1::DeleteOrganizationRequest& request, const CallContext& context) {
  auto id = ParseName("name", request.name(), kOrganizations);
  if (!id.ok()) return id.status();
  AccessChecker access(store_, context.principal);
  return DeleteRecord<v1::Organization>(
      store_, {.sync = options_.sync_writes}, options_.now(), context.actor,
      RecordKey::Organization(*id), request.name(), request.etag(),
      [&](const v1::Organization&) {
        return RequireOrganization(&access, *id, request.name(), AccessLevel::kAdmin, "delete");
      });
}

absl::StatusOr<v1::ListOrganizationsResponse> MeetingRecords::ListOrganizations(
    const v1::ListOrganizationsRequest& request, const CallContext& context) {
  auto page_size = PageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  const uint64_t fingerprint = QueryFingerprint(request);
  auto after = DecodeIdToken(request.page_token(), fingerprint);
  if (!after.ok()) return after.status();
  AccessChecker access(store_, context.principal);
  std::string parent_id;
  if (!request.parent().empty()) {
    auto parent = ParseName("parent", request.parent(), kOrganizations);
    if (!parent.ok()) return parent.status();
    if (auto s = RequireReferencedOrganization(&access, "parent", request.parent(),
                                               AccessLevel::kRead, "list organizations");
        !s.ok()) {
      return s;
    }
    if (auto s = Resolve("parent", request.parent(), kOrganizations); !s.ok()) return s;
    parent_id = *std::move(parent);
  }
  auto fetch = [&](const std::string& after_id, size_t limit) -> absl::StatusOr<storage::RecordPage> {
    if (!parent_id.empty()) return store_->ListChildOrganizations(parent_id, after_id, limit);
    if (!access.unrestricted()) return ListReadableOrganizations(&access, after_id, limit);
    return store_->List(RecordKind::kOrganization, "", after_id, limit);
  };
  // Children of a readable parent are not all readable when the grant does
  // not cover the subtree: a page may come out short (AIP-158 allows it;
  // the token still goes on).
  auto readable = [&](const RecordEnvelope& record) -> absl::StatusOr<bool> {
    if (access.unrestricted()) return true;
    auto level = access.LevelOn(record.organization().name().substr(kOrganizations.size() + 1));
    if (!level.ok()) return level.status();
    return *level >= AccessLevel::kRead;
  };
  absl::StatusOr<storage::RecordPage> page = fetch(*after, *page_size);
  if (!page.ok()) return page.status();
  v1::ListOrganizationsResponse response;
  for (auto& record : page->records) {
    auto keep = readable(record);
    if (!keep.ok()) return keep.status();
    if (*keep) *response.add_organizations() = std::move(*record.mutable_organization());
  }
  response.set_next_page_token(NextToken(page->next_after_id, fingerprint));
  if (WantsTotalSize(request)) {
    auto total = CountAllPages(context, fetch, readable);
    if (!total.ok()) return total.status();
    response.set_total_size(*total);
  }
  return response;
}

absl::StatusOr<int32_t> MeetingRecords::CountMeetings(storage::MeetingQuery query,
                                                      AccessChecker* access,
                                                      const CallContext& context) {
  query.after.clear();
  int64_t total = 0;
  if (query.index != storage::MeetingQuery::Index::kByPerson || access->unrestricted()) {
    // The organization scope already holds only what the caller may read.
    auto count = store_->CountMeetings(query);
    if (!count.ok()) return count.status();
    total = *count;
  } else {
    // A person's meetings are checked one by one, as ListMeetings does.
    query.limit = kCountPageSize;
    while (true) {
      if (absl::Status alive = context.CheckAlive(); !alive.ok()) return alive;
      auto page = store_->QueryMeetings(query);
      if (!page.ok()) return page.status();
      for (const v1::Meeting& meeting : page->meetings) {
        auto can_read = access->CanReadMeeting(meeting);
        if (!can_read.ok()) return can_read.status();
        total += *can_read ? 1 : 0;
      }
      if (!page->next_position) break;
      query.after = *std::move(page->next_position);
    }
  }
  return static_cast<int32_t>(std::min<int64_t>(total, INT32_MAX));
}

absl::StatusOr<storage::RecordPage> MeetingRecords::ListReadableOrganizations(
    AccessChecker* access, const std::string& after, size_t page_size) {
  auto ids = access->ReadableOrganizationIds(options_.max_subtree_organizations);
  if (!ids.ok()) return ids.status();
  storage::RecordPage page;
  for (auto it = std::upper_bound(ids->begin(), ids->end(), after); it != ids->end(); ++it) {
    if (page.records.size() == page_size) {
      page.next_after_id = page.records.back().organization().name().substr(
          kOrganizations.size() + 1);
      break;
    }
    auto current = store_->Get(RecordKey::Organization(*it));
    if (!current.ok()) return current.status();
    // Granted but not (or no longer) there.
    if (!current->record) continue;
    page.records.push_back(*std::move(current->record));
  }
  return page;
}

// ---------------------------------------------------------------------------
// Persons

absl::StatusOr<v1::Person> MeetingRecords::CreatePerson(const v1::CreatePersonRequest& request, const CallContext& context) {
  if (!AccessChecker(store_, context.principal).CanWritePersons()) {
    return PermissionDenied(context.principal, "create persons: it needs WRITE on an organization");
  }
  if (auto s = RequireResource("person", request.has_person()); !s.ok()) return s;
  auto id = NewRecordId("person_id", request.person_id());
  if (!id.ok()) return id.status();
  auto resolver = Resolver();
  return CreateRecord<v1::Person>(
      store_, options_.sync_writes, options_.now(), context.actor, RecordKey::Person(*id),
      FormatName(kPersons, *id), request.person(),
      [&](v1::Person* p) { return ValidatePerson("person", resolver, p); });
}

// Persons are a shared directory: any authenticated caller reads them.
absl::StatusOr<v1::Person> MeetingRecords::GetPerson(const v1::GetPersonRequest& request,
                                                     const CallContext& context) {
  auto id = ParseName("name", request.name(), kPersons);
  if (!id.ok()) return id.status();
  return GetRecord<v1::Person>(store_, RecordKey::Person(*id), request.name());
}

absl::StatusOr<v1::Person> MeetingRecords::UpdatePerson(const v1::UpdatePersonRequest& request, const CallContext& context) {
  if (!AccessChecker(store_, context.principal).CanWritePersons()) {
    return PermissionDenied(context.principal, "change persons: it needs WRITE on an organization");
  }
  if (auto s = RequireResource("person", request.has_person()); !s.ok()) return s;
  auto id = ParseName("person.name", request.person().name(), kPersons);
  if (!id.ok()) return id.status();
  auto resolver = Resolver();
  return UpdateRecord<v1::Person>(
      store_, options_.sync_writes, options_.now(), context.actor, RecordKey::Person(*id), request.person(),
      request.update_mask(),
      [&](v1::Person* p) { return ValidatePerson("person", resolver, p); });
}

absl::Status MeetingRecords::DeletePerson(const v1::DeletePersonRequest& request, const CallContext& context) {
  if (!AccessChecker(store_, context.principal).IsAdmin()) {
    return PermissionDenied(context.principal,
                            "delete persons: only global administrators may");
  }
  auto id = ParseName("name", request.name(), kPersons);
  if (!id.ok()) return id.status();
  return DeleteRecord<v1::Person>(store_, {.sync = options_.sync_writes}, options_.now(), context.actor,
                                  RecordKey::Person(*id), request.name(), request.etag());
}

absl::StatusOr<v1::ListPersonsResponse> MeetingRecords::ListPersons(
    const v1::ListPersonsRequest& request, const CallContext& context) {
  auto page_size = PageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  const uint64_t fingerprint = QueryFingerprint(request);
  auto after = DecodeIdToken(request.page_token(), fingerprint);
  if (!after.ok()) return after.status();
  auto fetch = [this](const std::string& after_id, size_t limit) {
    return store_->List(RecordKind::kPerson, "", after_id, limit);
  };
  auto page = fetch(*after, *page_size);
  if (!page.ok()) return page.status();
  v1::ListPersonsResponse response;
  for (auto& record : page->records) *response.add_persons() = std::move(*record.mutable_person());
  response.set_next_page_token(NextToken(page->next_after_id, fingerprint));
  if (WantsTotalSize(request)) {
    // The directory is shared: every authenticated caller reads all of it.
    auto total = CountAllPages(context, fetch,
                               [](const RecordEnvelope&) -> absl::StatusOr<bool> { return true; });
    if (!total.ok()) return total.status();
    response.set_total_size(*total);
  }
  return response;
}

// ---------------------------------------------------------------------------
// Meetings

absl::StatusOr<v1::Meeting> MeetingRecords::CreateMeeting(
    const v1::CreateMeetingRequest& request, const CallContext& context) {
  if (auto s = RequireResource("meeting", request.has_meeting()); !s.ok()) return s;
  auto id = NewRecordId("meeting_id", request.meeting_id());
  if (!id.ok()) return id.status();
  PersonNames person_names;
  auto resolver = Resolver(&person_names);
  AccessChecker access(store_, context.principal);
  return CreateRecord<v1::Meeting>(
      store_, options_.sync_writes, options_.now(), context.actor, RecordKey::Meeting(*id),
      FormatName(kMeetings, *id), request.meeting(),
      [&](v1::Meeting* m) {
        if (auto s = ValidateMeeting("meeting", resolver, options_.limits, m); !s.ok()) return s;
        return FillParticipantNames(store_, person_names, m);
      },
      [&] { return RequireWritableResult(&access, request.meeting(), "create this meeting"); });
}

absl::StatusOr<v1::Meeting> MeetingRecords::GetMeeting(const v1::GetMeetingRequest& request,
                                                       const CallContext& context) {
  auto id = ParseName("name", request.name(), kMeetings);
  if (!id.ok()) return id.status();
  AccessChecker access(store_, context.principal);
  return GetRecord<v1::Meeting>(
      store_, RecordKey::Meeting(*id), request.name(),
      [&](const v1::Meeting& m) { return access.CanReadMeeting(m); });
}

absl::StatusOr<SerializedResponse> MeetingRecords::GetMeetingSerialized(
    const v1::GetMeetingRequest& request, const CallContext& context) {
  if (!AccessChecker(store_, context.principal).unrestricted()) {
    // The meeting must be parsed to check the caller may read it.
    auto meeting = GetMeeting(request, context);
    if (!meeting.ok()) return meeting.status();
    return SerializedResponse{meeting->SerializeAsString()};
  }
  auto id = ParseName("name", request.name(), kMeetings);
  if (!id.ok()) return id.status();
  auto bytes = store_->GetResourceBytes(RecordKey::Meeting(*id));
  if (!bytes.ok()) return bytes.status();
  if (!*bytes) return NotFound(request.name());
  return SerializedResponse{**std::move(bytes)};
}

absl::StatusOr<v1::Meeting> MeetingRecords::UpdateMeeting(
    const v1::UpdateMeetingRequest& request, const CallContext& context) {
  if (auto s = RequireResource("meeting", request.has_meeting()); !s.ok()) return s;
  auto id = ParseName("meeting.name", request.meeting().name(), kMeetings);
  if (!id.ok()) return id.status();
  PersonNames person_names;
  auto resolver = Resolver(&person_names);
  AccessChecker access(store_, context.principal);
  return UpdateRecord<v1::Meeting>(
      store_, options_.sync_writes, options_.now(), context.actor, RecordKey::Meeting(*id), request.meeting(),
      request.update_mask(),
      [&](v1::Meeting* m) {
        if (auto s = ValidateMeeting("meeting", resolver, options_.limits, m); !s.ok()) return s;
        return FillParticipantNames(store_, person_names, m);
      },
      [&](const v1::Meeting& stored) {
        return RequireMeetingWrite(&access, stored, request.meeting().name());
      },
      [&](const v1::Meeting& updated) {
        return RequireWritableResult(&access, updated, "change this meeting");
      });
}

absl::Status MeetingRecords::DeleteMeeting(const v1::DeleteMeetingRequest& request, const CallContext& context) {
  auto id = ParseName("name", request.name(), kMeetings);
  if (!id.ok()) return id.status();
  AccessChecker access(store_, context.principal);
  return DeleteRecord<v1::Meeting>(
      store_, {.delete_children = request.force(), .sync = options_.sync_writes},
      options_.now(), context.actor, RecordKey::Meeting(*id), request.name(), request.etag(),
      [&](const v1::Meeting& stored) {
        return RequireMeetingWrite(&access, stored, request.name());
      });
}

absl::StatusOr<MeetingRecords::MeetingListing> MeetingRecords::PrepareListMeetings(
    const v1::ListMeetingsRequest& request, const CallContext& context, AccessChecker* access_out) {
  AccessChecker& access = *access_out;
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
  // A restricted caller's meetings are exactly those indexed under an
  // organization it may read: the organization index narrowed to those.
  std::optional<std::vector<std::string>> readable;
  if (!access.unrestricted() && request.person().empty() &&
      (request.organization().empty() || request.include_sub_organizations())) {
    auto ids = access.ReadableOrganizationIds(options_.max_subtree_organizations);
    if (!ids.ok()) return ids.status();
    readable = *std::move(ids);
  }
  if (!request.organization().empty()) {
    auto org = ParseName("organization", request.organization(), kOrganizations);
    if (!org.ok()) return org.status();
    if (auto s = RequireReferencedOrganization(&access, "organization", request.organization(),
                                               AccessLevel::kRead, "list meetings");
        !s.ok()) {
      return s;
    }
    if (auto s = Resolve("organization", request.organization(), kOrganizations); !s.ok()) {
      return s;
    }
    query.index = storage::MeetingQuery::Index::kByOrganization;
    if (request.include_sub_organizations()) {
      auto subtree = store_->OrganizationSubtree(*org, options_.max_subtree_organizations);
      if (!subtree.ok()) return subtree.status();
      query.scope_ids = *std::move(subtree);
      if (readable) {
        std::erase_if(query.scope_ids, [&](const std::string& id) {
          return !std::binary_search(readable->begin(), readable->end(), id);
        });
      }
    } else {
      query.scope_ids = {*org};
    }
  } else if (!request.person().empty()) {
    auto person = ParseName("person", request.person(), kPersons);
    if (!person.ok()) return person.status();
    if (auto s = Resolve("person", request.person(), kPersons); !s.ok()) return s;
    query.index = storage::MeetingQuery::Index::kByPerson;
    query.scope_ids = {*person};
  } else if (readable) {
    query.index = storage::MeetingQuery::Index::kByOrganization;
    query.scope_ids = *readable;
  }

  const uint64_t fingerprint = QueryFingerprint(request);
  auto after = DecodeToken(request.page_token(), fingerprint);
  if (!after.ok()) return after.status();
  query.after = *std::move(after);
  query.stop_check = [&context] { return context.CheckAlive(); };

  // A caller who may read no organization has no meetings (an empty scope
  // would mean every meeting to the by-day index).
  const bool nothing =
      query.index == storage::MeetingQuery::Index::kByOrganization && query.scope_ids.empty();
  return MeetingListing{std::move(query), fingerprint, nothing};
}

absl::StatusOr<v1::ListMeetingsResponse> MeetingRecords::ListMeetings(
    const v1::ListMeetingsRequest& request, const CallContext& context) {
  AccessChecker access(store_, context.principal);
  auto listing = PrepareListMeetings(request, context, &access);
  if (!listing.ok()) return listing.status();
  const storage::MeetingQuery& query = listing->query;
  v1::ListMeetingsResponse response;
  if (listing->nothing) return response;
  auto page = store_->QueryMeetings(query);
  if (!page.ok()) return page.status();
  for (auto& meeting : page->meetings) {
    // Only the person index can hold meetings the caller may not read;
    // they are left out and the page may come out short (AIP-158).
    if (query.index == storage::MeetingQuery::Index::kByPerson) {
      auto can_read = access.CanReadMeeting(meeting);
      if (!can_read.ok()) return can_read.status();
      if (!*can_read) continue;
    }
    *response.add_meetings() = std::move(meeting);
  }
  response.set_next_page_token(NextToken(page->next_position, listing->fingerprint));
  if (WantsTotalSize(request)) {
    auto total = CountMeetings(query, &access, context);
    if (!total.ok()) return total.status();
    response.set_total_size(*total);
  }
  return response;
}

absl::StatusOr<SerializedResponse> MeetingRecords::ListMeetingsSerialized(
    const v1::ListMeetingsRequest& request, const CallContext& context) {
  AccessChecker access(store_, context.principal);
  auto listing = PrepareListMeetings(request, context, &access);
  if (!listing.ok()) return listing.status();
  const storage::MeetingQuery& query = listing->query;
  if (listing->nothing) return SerializedResponse{};
  if (query.index == storage::MeetingQuery::Index::kByPerson && !access.unrestricted()) {
    // Each meeting must be parsed to check the caller may read it.
    auto response = ListMeetings(request, context);
    if (!response.ok()) return response.status();
    return SerializedResponse{response->SerializeAsString()};
  }
  auto page = store_->QueryMeetingBytes(query);
  if (!page.ok()) return page.status();
  // The response's other fields, then each meeting as field 1: the order of
  // fields on the wire does not matter to a parser.
  v1::ListMeetingsResponse tail;
  tail.set_next_page_token(NextToken(page->next_position, listing->fingerprint));
  if (WantsTotalSize(request)) {
    auto total = CountMeetings(query, &access, context);
    if (!total.ok()) return total.status();
    tail.set_total_size(*total);
  }
  SerializedResponse response;
  // Sized once: growing a page of ~1 MiB by doubling copies it again and again.
  using google::protobuf::internal::WireFormatLite;
  const size_t tag_size = WireFormatLite::TagSize(v1::ListMeetingsResponse::kMeetingsFieldNumber,
                                                  WireFormatLite::TYPE_BYTES);
  size_t size = tail.ByteSizeLong();
  for (const std::string& meeting : page->meetings) {
    size += tag_size + WireFormatLite::BytesSize(meeting);
  }
  response.bytes.reserve(size);
  tail.AppendToString(&response.bytes);
  {
    google::protobuf::io::StringOutputStream stream(&response.bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    for (const std::string& meeting : page->meetings) {
      google::protobuf::internal::WireFormatLite::WriteBytes(
          v1::ListMeetingsResponse::kMeetingsFieldNumber, meeting, &out);
    }
  }
  return response;
}

// ---------------------------------------------------------------------------
// Documents

absl::StatusOr<v1::Document> MeetingRecords::CreateDocument(
    const v1::CreateDocumentRequest& request, const CallContext& context) {
  auto meeting_id = ParseName("parent", request.parent(), kMeetings);
  if (!meeting_id.ok()) return meeting_id.status();
  if (auto s = RequireResource("document", request.has_document()); !s.ok()) return s;
  auto id = NewRecordId("document_id", request.document_id());
  if (!id.ok()) return id.status();
  auto resolver = Resolver();
  AccessChecker access(store_, context.principal);
  return CreateRecord<v1::Document>(
      store_, options_.sync_writes, options_.now(), context.actor, RecordKey::Document(*meeting_id, *id),
      FormatDocumentName(*meeting_id, *id), request.document(), [&](v1::Document* d) {
        // The meeting is locked with its document, so it cannot vanish now.
        // Only its existence matters here: a parse would cost more than the
        // rest of the document's validation.
        auto meeting = store_->Exists(RecordKey::Meeting(*meeting_id));
        if (!meeting.ok()) return meeting.status();
        if (!*meeting) {
          return absl::NotFoundError(absl::StrCat("parent: ", request.parent(), " does not exist"));
        }
        return ValidateDocument("document", resolver, d);
      },
      [&]() -> absl::Status {
        if (access.unrestricted()) return absl::OkStatus();
        auto meeting = store_->Get(RecordKey::Meeting(*meeting_id));
        if (!meeting.ok()) return meeting.status();
        const std::string missing = absl::StrCat("parent: ", request.parent());
        if (!meeting->record) return NotFound(missing);
        return RequireMeetingWrite(&access, meeting->record->meeting(), missing);
      });
}

absl::StatusOr<v1::Document> MeetingRecords::GetDocument(const v1::GetDocumentRequest& request,
                                                         const CallContext& context) {
  auto name = ParseDocumentName("name", request.name());
  if (!name.ok()) return name.status();
  AccessChecker access(store_, context.principal);
  return GetRecord<v1::Document>(
      store_, RecordKey::Document(name->meeting_id, name->document_id), request.name(),
      [&](const v1::Document&) -> absl::StatusOr<bool> {
        if (access.unrestricted()) return true;
        auto meeting = ReadableMeetingOf(store_, &access, name->meeting_id, request.name());
        if (absl::IsNotFound(meeting.status())) return false;
        if (!meeting.ok()) return meeting.status();
        return true;
      });
}

absl::StatusOr<v1::Document> MeetingRecords::UpdateDocument(
    const v1::UpdateDocumentRequest& request, const CallContext& context) {
  if (auto s = RequireResource("document", request.has_document()); !s.ok()) return s;
  auto name = ParseDocumentName("document.name", request.document().name());
  if (!name.ok()) return name.status();
  auto resolver = Resolver();
  AccessChecker access(store_, context.principal);
  return UpdateRecord<v1::Document>(
      store_, options_.sync_writes, options_.now(), context.actor,
      RecordKey::Document(name->meeting_id, name->document_id), request.document(),
      request.update_mask(),
      [&](v1::Document* d) { return ValidateDocument("document", resolver, d); },
      [&](const v1::Document&) {
        return RequireDocumentWrite(&access, name->meeting_id, request.document().name());
      });
}

absl::Status MeetingRecords::DeleteDocument(const v1::DeleteDocumentRequest& request, const CallContext& context) {
  auto name = ParseDocumentName("name", request.name());
  if (!name.ok()) return name.status();
  AccessChecker access(store_, context.principal);
  return DeleteRecord<v1::Document>(
      store_, {.sync = options_.sync_writes}, options_.now(), context.actor,
      RecordKey::Document(name->meeting_id, name->document_id), request.name(), request.etag(),
      [&](const v1::Document&) {
        return RequireDocumentWrite(&access, name->meeting_id, request.name());
      });
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
  AccessChecker access(store_, context.principal);
  auto readable = access.CanReadMeeting(meeting->record->meeting());
  if (!readable.ok()) return readable.status();
  if (!*readable) return NotFound(request.parent());
  const uint64_t fingerprint = QueryFingerprint(request);
  auto after = DecodeIdToken(request.page_token(), fingerprint);
  if (!after.ok()) return after.status();
  auto fetch = [&](const std::string& after_id, size_t limit) {
    return store_->List(RecordKind::kDocument, *meeting_id, after_id, limit,
                        [&request](const RecordEnvelope& e) {
                          return (request.status() == v1::Document::STATUS_UNSPECIFIED ||
                                  e.document().status() == request.status()) &&
                                 (request.type() == v1::Document::TYPE_UNSPECIFIED ||
                                  e.document().type() == request.type());
                        });
  };
  auto page = fetch(*after, *page_size);
  if (!page.ok()) return page.status();
  v1::ListDocumentsResponse response;
  for (auto& record : page->records) {
    *response.add_documents() = std::move(*record.mutable_document());
  }
  response.set_next_page_token(NextToken(page->next_after_id, fingerprint));
  if (WantsTotalSize(request)) {
    // Readable with the meeting, checked above.
    auto total = CountAllPages(context, fetch,
                               [](const RecordEnvelope&) -> absl::StatusOr<bool> { return true; });
    if (!total.ok()) return total.status();
    response.set_total_size(*total);
  }
  return response;
}

}  // namespace meetings::domain

namespace meetings::domain {

absl::StatusOr<std::vector<std::string>> MeetingRecords::OrganizationScope(
    std::string_view field, const std::string& name, bool include_subtree) {
  auto org = ParseName(field, name, kOrganizations);
  if (!org.ok()) return org.status();
  if (auto s = Resolve(field, name, kOrganizations); !s.ok()) return s;
  if (!include_subtree) return std::vector<std::string>{*org};
  return store_->OrganizationSubtree(*org, options_.max_subtree_organizations);
}

// ---------------------------------------------------------------------------
// Search

absl::StatusOr<v1::SearchRecordsResponse> MeetingRecords::SearchRecords(
    const v1::SearchRecordsRequest& request, const CallContext& context) {
  constexpr int kDefaultPageSize = 20;
  constexpr int kMaxPageSize = 100;
  constexpr size_t kMaxWords = 16;
  if (request.page_size() < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  const int page_size = request.page_size() == 0 ? kDefaultPageSize
                                                 : std::min(request.page_size(), kMaxPageSize);
  auto normalized = NormalizeText("query", request.query(), 1024);
  if (!normalized.ok()) return normalized.status();
  std::vector<std::string> words = SearchWords(*normalized);
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  if (words.empty()) return absl::InvalidArgumentError("query: needs at least one word");
  if (words.size() > kMaxWords) {
    return absl::InvalidArgumentError(absl::StrCat("query: at most ", kMaxWords, " words"));
  }
  absl::flat_hash_set<int> types;
  for (int i = 0; i < request.types_size(); ++i) {
    if (!v1::RecordType_IsValid(request.types(i)) ||
        request.types(i) == v1::RECORD_TYPE_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat("types[", i, "]: not a record type"));
    }
    types.insert(request.types(i));
  }
  auto window = DayWindowOf(request);
  if (!window.ok()) return window.status();
  if (request.include_sub_organizations() && request.organization().empty()) {
    return absl::InvalidArgumentError("include_sub_organizations: requires organization");
  }
  AccessChecker access(store_, context.principal);
  absl::flat_hash_set<std::string> scope;
  if (!request.organization().empty()) {
    if (auto s = RequireReferencedOrganization(&access, "organization", request.organization(),
                                               AccessLevel::kRead, "search records");
        !s.ok()) {
      return s;
    }
    auto ids = OrganizationScope("organization", request.organization(),
                                 request.include_sub_organizations());
    if (!ids.ok()) return ids.status();
    scope.insert(ids->begin(), ids->end());
  }
  const uint64_t fingerprint = QueryFingerprint(request);
  auto position = DecodeToken(request.page_token(), fingerprint);
  if (!position.ok()) return position.status();
  size_t offset = 0;
  if (!position->empty() && !absl::SimpleAtoi(*position, &offset)) {
    return absl::InvalidArgumentError("page_token: malformed");
  }

  // Every word must match: intersect the posting lists, summing weights.
  struct Candidate {
    RecordKey key;
    int relevance = 0;
    int64_t sort_micros = 0;
    int matched = 0;
  };
  absl::flat_hash_map<std::string, Candidate> candidates;
  const storage::StopCheck stop = [&context] { return context.CheckAlive(); };
  for (size_t w = 0; w < words.size(); ++w) {
    auto hits = store_->FindTerm(words[w], options_.max_search_hits, stop);
    if (!hits.ok()) return hits.status();
    for (auto& hit : *hits) {
      const std::string encoded = hit.key.Encode();
      if (w == 0) {
        candidates[encoded] = Candidate{hit.key, static_cast<int>(hit.weight), hit.sort_micros, 1};
      } else if (auto it = candidates.find(encoded); it != candidates.end() &&
                                                     it->second.matched == static_cast<int>(w)) {
        it->second.relevance += hit.weight;
        it->second.matched += 1;
      }
    }
  }

  // Filters need the records; so does the response.
  struct Found {
    Candidate candidate;
    RecordEnvelope record;
  };
  std::vector<Found> found;
  for (auto& [encoded, c] : candidates) {
    if (c.matched != static_cast<int>(words.size())) continue;
    if (!types.empty() && !types.contains(RecordTypeOf(c.key.kind))) continue;
    auto current = store_->Get(c.key);
    if (!current.ok()) return current.status();
    if (!current->record) continue;
    // The meeting that dates and places a meeting or document.
    const v1::Meeting* meeting = nullptr;
    std::optional<RecordEnvelope> parent;
    if (c.key.kind == RecordKind::kMeeting) {
      meeting = &current->record->meeting();
    } else if (c.key.kind == RecordKind::kDocument) {
      auto p = store_->Get(RecordKey::Meeting(c.key.parent_id));
      if (!p.ok()) return p.status();
      parent = std::move(p->record);
      if (parent) meeting = &parent->meeting();
    }
    if (window->active()) {
      if (meeting == nullptr ||
          !window->Overlaps(EpochDay(meeting->local_start_date()),
                            EpochDay(meeting->local_end_date()))) {
        continue;
      }
    }
    if (!scope.empty()) {
      bool in_scope = false;
      if (c.key.kind == RecordKind::kOrganization) {
        in_scope = scope.contains(c.key.id);
      } else if (meeting != nullptr) {
        auto involved = [&](const std::string& name) {
          return name.size() > kOrganizations.size() + 1 &&
                 scope.contains(name.substr(kOrganizations.size() + 1));
        };
        for (const auto& o : meeting->organizers()) in_scope = in_scope || involved(o);
        for (const auto& o : meeting->participating_organizations()) in_scope = in_scope || involved(o);
        for (const auto& site : meeting->sites()) in_scope = in_scope || involved(site.host_organization());
        for (const auto& p : meeting->participants()) {
          in_scope = in_scope || involved(p.on_behalf_of()) ||
                     (p.has_group() && involved(p.group().organization()));
        }
      }
      if (!in_scope) continue;
    }
    if (!access.unrestricted()) {
      // What the caller may not read is not found, and not counted.
      absl::StatusOr<bool> readable = false;
      if (c.key.kind == RecordKind::kDocument) {
        readable = meeting != nullptr ? access.CanReadMeeting(*meeting) : false;
      } else {
        readable = CanReadVersion(&access, *current->record, {});
      }
      if (!readable.ok()) return readable.status();
      if (!*readable) continue;
    }
    found.push_back(Found{c, *std::move(current->record)});
  }
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    if (a.candidate.relevance != b.candidate.relevance) {
      return a.candidate.relevance > b.candidate.relevance;
    }
    if (a.candidate.sort_micros != b.candidate.sort_micros) {
      return a.candidate.sort_micros > b.candidate.sort_micros;
    }
    return a.candidate.key.Encode() < b.candidate.key.Encode();
  });

  v1::SearchRecordsResponse response;
  response.set_total_size(static_cast<int32_t>(found.size()));
  for (size_t i = offset; i < found.size() && i < offset + page_size; ++i) {
    auto* result = response.add_results();
    result->set_type(RecordTypeOf(found[i].candidate.key.kind));
    result->set_relevance(found[i].candidate.relevance);
    SetResource(found[i].record, result);
    switch (found[i].record.resource_case()) {
      case RecordEnvelope::kOrganization: result->set_name(found[i].record.organization().name()); break;
      case RecordEnvelope::kPerson: result->set_name(found[i].record.person().name()); break;
      case RecordEnvelope::kMeeting: result->set_name(found[i].record.meeting().name()); break;
      case RecordEnvelope::kDocument: result->set_name(found[i].record.document().name()); break;
      default: break;
    }
  }
  if (offset + page_size < found.size()) {
    response.set_next_page_token(EncodePageToken(fingerprint, absl::StrCat(offset + page_size)));
  }
  return response;
}

// ---------------------------------------------------------------------------
// History

absl::StatusOr<bool> MeetingRecords::CanReadHistory(AccessChecker* access,
                                                    const RecordKey& key) {
  if (access->unrestricted()) return true;
  // The record as it is now, or as it was when deleted.
  auto latest = [this](const RecordKey& k) -> absl::StatusOr<std::optional<RecordEnvelope>> {
    auto current = store_->Get(k);
    if (!current.ok()) return current.status();
    if (current->record) return current->record;
    auto newest = store_->ListRevisions(k, 0, 1);
    if (!newest.ok()) return newest.status();
    if (newest->revisions.empty()) return std::nullopt;
    return newest->revisions.front().record();
  };
  if (key.kind == RecordKind::kDocument) {
    auto meeting = latest(RecordKey::Meeting(key.parent_id));
    if (!meeting.ok()) return meeting.status();
    if (!*meeting) return false;
    return access->CanReadMeeting((*meeting)->meeting());
  }
  auto record = latest(key);
  if (!record.ok()) return record.status();
  if (!*record) return false;
  return CanReadVersion(access, **record, {});
}

absl::StatusOr<v1::ListRevisionsResponse> MeetingRecords::ListRevisions(
    const v1::ListRevisionsRequest& request, const CallContext& context) {
  auto key = RecordKeyOfName("name", request.name());
  if (!key.ok()) return key.status();
  AccessChecker access(store_, context.principal);
  auto readable = CanReadHistory(&access, *key);
  if (!readable.ok()) return readable.status();
  if (!*readable) return NotFound(request.name());
  auto page_size = PageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  const uint64_t fingerprint = QueryFingerprint(request);
  auto position = DecodeToken(request.page_token(), fingerprint);
  if (!position.ok()) return position.status();
  uint64_t before = 0;
  if (!position->empty() && !absl::SimpleAtoi(*position, &before)) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  auto page = store_->ListRevisions(*key, before, *page_size);
  if (!page.ok()) return page.status();
  if (page->revisions.empty() && before == 0) return NotFound(request.name());
  v1::ListRevisionsResponse response;
  for (const auto& c : page->revisions) *response.add_revisions() = ToRevision(c);
  if (page->next_before) {
    response.set_next_page_token(EncodePageToken(fingerprint, absl::StrCat(*page->next_before)));
  }
  return response;
}

absl::StatusOr<v1::Revision> MeetingRecords::GetRevision(const v1::GetRevisionRequest& request,
                                                         const CallContext& context) {
  auto key = RecordKeyOfName("name", request.name());
  if (!key.ok()) return key.status();
  if (request.revision_id() == 0) return absl::InvalidArgumentError("revision_id: required");
  AccessChecker access(store_, context.principal);
  auto readable = CanReadHistory(&access, *key);
  if (!readable.ok()) return readable.status();
  auto revision = store_->GetRevision(*key, request.revision_id());
  if (!revision.ok()) return revision.status();
  if (!*revision || !*readable) {
    return absl::NotFoundError(absl::StrCat(request.name(), " has no revision ",
                                            request.revision_id()));
  }
  return ToRevision(**revision);
}

// ---------------------------------------------------------------------------
// Change feed

absl::Status MeetingRecords::StreamChanges(
    const v1::StreamChangesRequest& request, const CallContext& context,
    const std::function<bool(const v1::StreamChangesResponse&)>& send) {
  constexpr size_t kRowsPerRead = 512;
  // How long one wait may last, so shutdown and cancellation are noticed.
  const absl::Duration kWaitSlice = absl::Milliseconds(200);
  auto window = DayWindowOf(request);
  if (!window.ok()) return window.status();
  if (request.include_sub_organizations() && request.organization().empty()) {
    return absl::InvalidArgumentError("include_sub_organizations: requires organization");
  }
  AccessChecker access(store_, context.principal);
  absl::flat_hash_set<std::string> scope;
  if (!request.organization().empty()) {
    if (auto s = RequireReferencedOrganization(&access, "organization", request.organization(),
                                               AccessLevel::kRead, "follow changes");
        !s.ok()) {
      return s;
    }
    auto ids = OrganizationScope("organization", request.organization(),
                                 request.include_sub_organizations());
    if (!ids.ok()) return ids.status();
    scope.insert(ids->begin(), ids->end());
  }
  const storage::ChangeSequencer& sequencer = store_->sequencer();
  uint64_t position = request.start_at_head() ? sequencer.watermark() : request.after_sequence();
  if (position > sequencer.watermark()) {
    return absl::OutOfRangeError(absl::StrCat("after_sequence: ", position,
                                              " is beyond the head of the feed (",
                                              sequencer.watermark(), ")"));
  }
  if (position < store_->pruned_through()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "after_sequence: changes after ", position, " are no longer retained (kept from ",
        store_->pruned_through() + 1,
        "); resync: open a stream with start_at_head, list the records, then follow it"));
  }
  auto matches = [&](const storage::ChangeRecord& c) {
    if (window->active() && (!c.has_days() || !window->Overlaps(c.first_day(), c.last_day()))) {
      return false;
    }
    if (!scope.empty()) {
      for (const auto& id : c.organization_ids()) {
        if (scope.contains(id)) return true;
      }
      return false;
    }
    return true;
  };

  absl::Time last_sent = absl::InfinitePast();
  if (request.start_at_head()) {
    v1::StreamChangesResponse head;
    head.set_resume_sequence(position);
    if (!send(head)) return absl::OkStatus();
    last_sent = absl::Now();
  }
  while (true) {
    if (shutting_down_.load()) {
      return absl::UnavailableError(absl::StrCat(
          "server shutting down; reconnect with after_sequence ", position));
    }
    if (auto s = context.CheckAlive(); !s.ok()) return s;
    const uint64_t head = sequencer.watermark();
    if (head > position) {
      auto page = store_->ReadChanges(position, head, kRowsPerRead);
      if (!page.ok()) return page.status();
      v1::StreamChangesResponse response;
      // Organizations may have moved since the last page.
      access.ClearCache();
      for (const auto& c : page->changes) {
        if (!matches(c)) continue;
        // A change is sent when the caller may read the record as the
        // change left it (a deletion: as it was); one that takes a record
        // out of the caller's sight is not sent.
        const std::vector<std::string> organization_ids(c.organization_ids().begin(),
                                                        c.organization_ids().end());
        auto readable = CanReadVersion(&access, c.record(), organization_ids);
        if (!readable.ok()) return readable.status();
        if (*readable) *response.add_changes() = ToChange(c);
      }
      response.set_resume_sequence(page->scanned_through);
      position = page->scanned_through;
      if (response.changes_size() > 0 || absl::Now() - last_sent >= options_.feed_heartbeat) {
        if (!send(response)) return absl::OkStatus();
        last_sent = absl::Now();
      }
      continue;
    }
    if (absl::Now() - last_sent >= options_.feed_heartbeat) {
      v1::StreamChangesResponse heartbeat;
      heartbeat.set_resume_sequence(position);
      if (!send(heartbeat)) return absl::OkStatus();
      last_sent = absl::Now();
    }
    sequencer.WaitBeyond(position, std::min(absl::Now() + kWaitSlice, context.deadline));
  }
}

absl::Status MeetingRecords::RunRetention(absl::Time now) {
  constexpr size_t kMaxChangesPerRun = 100000;
  auto pruned = store_->PruneChanges(now - options_.change_retention, kMaxChangesPerRun);
  if (!pruned.ok()) return pruned.status();
  constexpr size_t kMaxRevisionsPerRun = 100000;
  return store_->PruneRevisions(now - options_.revision_retention, kMaxRevisionsPerRun)
      .status();
}

}  // namespace meetings::domain
