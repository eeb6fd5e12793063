#include "services/storage/record_store.h"

#include <algorithm>
#include <climits>
#include <tuple>
#include <queue>
#include <set>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"
#include "services/storage/key_codec.h"

namespace meetings::storage {
namespace {

using meetings::v1::Document;
using meetings::v1::Meeting;
using meetings::v1::Organization;

// The version of the stored messages (RecordEnvelope, Tombstone,
// ChangeRecord): a reader refuses any other.
constexpr uint32_t kFormatVersion = 1;
// The version of the store as a whole, in the metadata table: 2 since
// meetings stopped writing the `references` rows their index rows imply
// (FORMAT.md). A server refuses a store of a newer version.
constexpr uint32_t kStoreFormatVersion = 2;
constexpr std::string_view kFormatVersionKey = "format_version";
constexpr std::string_view kPrunedThroughKey = "changes_pruned_through";
// kSupersededRevisionsIndexedKey is written with the format version of a
// new store, and by the first retention sweep over a store written before
// that table existed.
constexpr std::string_view kSupersededIndexedKey = kSupersededRevisionsIndexedKey;
// Rows per write while a retention sweep backfills or deletes.
constexpr size_t kRowsPerRetentionBatch = 1000;
// How many rows a scan walks between two StopChecks.
constexpr int kRowsPerStopCheck = 32;

std::string EncodeFormatVersion(uint32_t version) {
  std::string out;
  AppendUint32(&out, version);
  return out;
}

int32_t EpochDay(const meetings::v1::Date& date) {
  return static_cast<int32_t>(
      absl::CivilDay(date.year(), date.month(), date.day()) -
      absl::CivilDay(1970, 1, 1));
}

int64_t StartMicros(const Meeting& meeting) {
  return meeting.start_time().seconds() * 1000000 +
         meeting.start_time().nanos() / 1000;
}

StoredDays MeetingDays(const Meeting& meeting) {
  StoredDays days{EpochDay(meeting.local_start_date()),
                  EpochDay(meeting.local_end_date())};
  if (days.last < days.first) days.last = days.first;
  return days;
}

// The order key of a meeting index row after its scope prefix:
// day | start micros | meeting id.
std::string MeetingPosition(int32_t day, int64_t start_micros,
                            std::string_view meeting_id) {
  std::string out;
  AppendInt32(&out, day);
  AppendInt64(&out, start_micros);
  AppendId(&out, meeting_id);
  return out;
}

std::string EncodeDays(const StoredDays& days) {
  std::string out;
  AppendInt32(&out, days.first);
  AppendInt32(&out, days.last);
  return out;
}

std::vector<std::string> MeetingPersonIds(const Meeting& meeting) {
  std::vector<std::string> ids;
  absl::flat_hash_set<std::string> seen;
  constexpr std::string_view kPrefix = "persons/";
  for (const auto& p : meeting.participants()) {
    if (!p.has_person()) continue;
    const std::string& name = p.person();
    if (name.size() <= kPrefix.size() || name.compare(0, kPrefix.size(), kPrefix) != 0) {
      continue;
    }
    std::string id = name.substr(kPrefix.size());
    if (seen.insert(id).second) ids.push_back(std::move(id));
  }
  return ids;
}

// Every organization or person a record has a `references` row for, as
// (kind, id). For a meeting, `meeting_orgs` and `meeting_persons` are those
// its index rows name (MeetingOrganizationIds, MeetingPersonIds; empty for
// other kinds). Under DERIVED_ROWS_FORMAT_2 those index rows are its
// references to them, so only the others get a row.
std::set<std::pair<RecordKind, std::string>> ReferencesOf(
    const RecordEnvelope& record, const std::vector<std::string>& meeting_orgs,
    const std::vector<std::string>& meeting_persons) {
  std::set<std::pair<RecordKind, std::string>> refs;
  auto add = [&](std::string_view name) {
    constexpr std::string_view kOrg = "organizations/";
    constexpr std::string_view kPerson = "persons/";
    if (name.size() > kOrg.size() && name.substr(0, kOrg.size()) == kOrg) {
      refs.emplace(RecordKind::kOrganization, std::string(name.substr(kOrg.size())));
    } else if (name.size() > kPerson.size() &&
               name.substr(0, kPerson.size()) == kPerson) {
      refs.emplace(RecordKind::kPerson, std::string(name.substr(kPerson.size())));
    }
  };
  switch (record.resource_case()) {
    case RecordEnvelope::kOrganization:
      add(record.organization().parent());
      break;
    case RecordEnvelope::kMeeting: {
      for (const auto& d : record.meeting().decisions()) {
        for (const auto& o : d.responsible_organizations()) add(o);
      }
      if (record.derived_rows() == DERIVED_ROWS_FORMAT_1) {
        for (const auto& id : meeting_orgs) refs.emplace(RecordKind::kOrganization, id);
        for (const auto& id : meeting_persons) refs.emplace(RecordKind::kPerson, id);
      } else {
        for (const auto& id : meeting_orgs) refs.erase({RecordKind::kOrganization, id});
      }
      break;
    }
    case RecordEnvelope::kDocument: {
      const Document& d = record.document();
      add(d.presenter());
      for (const auto& o : d.author_organizations()) add(o);
      break;
    }
    default:
      break;
  }
  return refs;
}

std::string ReferencePrefix(RecordKind target_kind, std::string_view target_id) {
  std::string out;
  AppendUint8(&out, static_cast<uint8_t>(target_kind));
  AppendId(&out, target_id);
  return out;
}

std::string EncodeSequence(uint64_t sequence) {
  std::string out;
  AppendUint64(&out, sequence);
  return out;
}

std::string RevisionKey(const std::string& record_key, uint64_t revision) {
  std::string out = record_key;
  AppendUint64(&out, revision);
  return out;
}

std::string SupersededKey(int64_t commit_micros, std::string_view revision_key) {
  return SupersededRevisionKey(commit_micros, revision_key);
}

int64_t Micros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

// The resource's name and creation time, whatever its kind.
std::string_view NameOf(const RecordEnvelope& e) {
  switch (e.resource_case()) {
    case RecordEnvelope::kOrganization: return e.organization().name();
    case RecordEnvelope::kPerson: return e.person().name();
    case RecordEnvelope::kMeeting: return e.meeting().name();
    case RecordEnvelope::kDocument: return e.document().name();
    default: return {};
  }
}
int64_t CreateMicrosOf(const RecordEnvelope& e) {
  switch (e.resource_case()) {
    case RecordEnvelope::kOrganization: return Micros(e.organization().create_time());
    case RecordEnvelope::kPerson: return Micros(e.person().create_time());
    case RecordEnvelope::kMeeting: return Micros(e.meeting().create_time());
    case RecordEnvelope::kDocument: return Micros(e.document().create_time());
    default: return 0;
  }
}
const google::protobuf::Timestamp& UpdateTimeOf(const RecordEnvelope& e) {
  switch (e.resource_case()) {
    case RecordEnvelope::kOrganization: return e.organization().update_time();
    case RecordEnvelope::kPerson: return e.person().update_time();
    case RecordEnvelope::kMeeting: return e.meeting().update_time();
    case RecordEnvelope::kDocument: return e.document().update_time();
    default: return google::protobuf::Timestamp::default_instance();
  }
}

absl::StatusOr<ChangeRecord> ParseChange(std::string_view bytes) {
  ChangeRecord change;
  if (!change.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
      change.format_version() != kFormatVersion) {
    return absl::DataLossError("record store: unreadable change record");
  }
  return change;
}

// The commit time of a serialized ChangeRecord, in microseconds, read from
// its top-level fields without parsing the record it carries (the envelope
// of a whole meeting): retention looks at every revision row, and a full
// parse of each made the sweep cost as much as reading the store back.
// Errors: DATA_LOSS when the bytes are not a version-1 ChangeRecord.
absl::StatusOr<int64_t> ChangeCommitMicros(std::string_view bytes) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  uint32_t format_version = 0;
  int64_t seconds = 0;
  int32_t nanos = 0;
  bool ok = true;
  for (uint32_t tag = in.ReadTag(); tag != 0 && ok; tag = in.ReadTag()) {
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    const auto type = WireFormatLite::GetTagWireType(tag);
    if (field == ChangeRecord::kFormatVersionFieldNumber &&
        type == WireFormatLite::WIRETYPE_VARINT) {
      ok = in.ReadVarint32(&format_version);
    } else if (field == ChangeRecord::kCommitTimeFieldNumber &&
               type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      // A Timestamp: seconds = 1, nanos = 2 (the last occurrence wins, as
      // in a full parse).
      uint32_t length = 0;
      ok = in.ReadVarint32(&length);
      if (!ok) break;
      const auto limit = in.PushLimit(static_cast<int>(length));
      for (uint32_t t = in.ReadTag(); t != 0 && ok; t = in.ReadTag()) {
        uint64_t v = 0;
        if (t == ((1u << 3) | 0)) {
          ok = in.ReadVarint64(&v);
          seconds = static_cast<int64_t>(v);
        } else if (t == ((2u << 3) | 0)) {
          ok = in.ReadVarint64(&v);
          nanos = static_cast<int32_t>(v);
        } else {
          ok = WireFormatLite::SkipField(&in, t);
        }
      }
      ok = ok && in.ConsumedEntireMessage();
      in.PopLimit(limit);
    } else {
      ok = WireFormatLite::SkipField(&in, tag);
    }
  }
  if (!ok || !in.ConsumedEntireMessage() || format_version != kFormatVersion) {
    return absl::DataLossError("record store: unreadable change record");
  }
  return seconds * 1000000 + nanos / 1000;
}

absl::StatusOr<RecordEnvelope> ParseEnvelope(std::string_view bytes) {
  RecordEnvelope envelope;
  if (!envelope.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("record store: unparsable record envelope");
  }
  if (envelope.format_version() != kFormatVersion) {
    return absl::DataLossError(absl::StrCat(
        "record store: unknown record format version ", envelope.format_version()));
  }
  return envelope;
}

absl::Status CheckStop(const StopCheck& stop_check, int* rows) {
  if (!stop_check || ++*rows % kRowsPerStopCheck != 0) return absl::OkStatus();
  return stop_check();
}

Table MeetingIndexTable(MeetingQuery::Index index) {
  switch (index) {
    case MeetingQuery::Index::kByOrganization:
      return Table::kMeetingsByOrganization;
    case MeetingQuery::Index::kByPerson:
      return Table::kMeetingsByPerson;
    case MeetingQuery::Index::kByDay:
      break;
  }
  return Table::kMeetingsByDay;
}

// One decoded meeting index row.
struct MeetingRow {
  // Key bytes after the scope prefix: the order within one query.
  std::string position;
  int32_t day = 0;
  std::string meeting_id;
  StoredDays days;
};

bool DecodeMeetingRow(std::string_view position, std::string_view value,
                      MeetingRow* row) {
  KeyReader key(position);
  int64_t start = 0;
  std::string_view id;
  if (!key.ReadInt32(&row->day) || !key.ReadInt64(&start) || !key.ReadId(&id) ||
      !key.done()) {
    return false;
  }
  KeyReader val(value);
  if (!val.ReadInt32(&row->days.first) || !val.ReadInt32(&row->days.last)) {
    return false;
  }
  row->position.assign(position);
  row->meeting_id.assign(id);
  return true;
}

// A scan of one scope (one organization, one person, or all) of a meeting
// index, positioned on the first row of the query's range.
struct ScopeCursor {
  std::string prefix;
  std::unique_ptr<KvIterator> it;
};

// The bytes of the resource field (organization, person, meeting or
// document) of a serialized RecordEnvelope, read from its top-level fields
// only; nullopt when the bytes are malformed, of another format version, or
// carry no resource.
std::optional<std::string_view> ResourceBytes(std::string_view envelope) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(envelope.data()),
                                            static_cast<int>(envelope.size()));
  uint32_t format_version = 0;
  std::optional<std::string_view> resource;
  for (uint32_t tag = in.ReadTag(); tag != 0; tag = in.ReadTag()) {
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    const auto type = WireFormatLite::GetTagWireType(tag);
    if (field == RecordEnvelope::kFormatVersionFieldNumber &&
        type == WireFormatLite::WIRETYPE_VARINT) {
      if (!in.ReadVarint32(&format_version)) return std::nullopt;
    } else if (field >= RecordEnvelope::kOrganizationFieldNumber &&
               field <= RecordEnvelope::kDocumentFieldNumber &&
               type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t length = 0;
      if (!in.ReadVarint32(&length)) return std::nullopt;
      const int offset = in.CurrentPosition();
      if (!in.Skip(static_cast<int>(length))) return std::nullopt;
      resource = envelope.substr(offset, length);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return std::nullopt;
    }
  }
  if (!in.ConsumedEntireMessage() || format_version != kFormatVersion) return std::nullopt;
  return resource;
}

// Visits each meeting `query` matches once, in its order, from the index
// rows alone: `visit(row)` returns true to go on, false to stop. Ignores
// query.limit. Errors: INVALID_ARGUMENT for a malformed `after`; the
// StopCheck's status; store errors; `visit`'s errors.
absl::Status ScanMeetingRows(KvStore* kv, const MeetingQuery& query,
                             const std::function<absl::StatusOr<bool>(const MeetingRow&)>& visit) {
  const Table table = MeetingIndexTable(query.index);
  std::vector<std::string> prefixes;
  if (query.index == MeetingQuery::Index::kByDay) {
    prefixes.emplace_back();
  } else {
    for (const auto& id : query.scope_ids) {
      std::string prefix;
      AppendId(&prefix, id);
      prefixes.push_back(std::move(prefix));
    }
  }
  if (!query.after.empty()) {
    KeyReader reader(query.after);
    int32_t day;
    int64_t start;
    std::string_view id;
    if (!reader.ReadInt32(&day) || !reader.ReadInt64(&start) || !reader.ReadId(&id) ||
        !reader.done()) {
      return absl::InvalidArgumentError("page_token: malformed position");
    }
  }

  // Range of positions (key bytes after the scope prefix) to scan.
  std::string range_lower;
  std::string range_upper;  // empty: unbounded
  if (query.first_day) AppendInt32(&range_lower, *query.first_day);
  if (query.last_day && *query.last_day < INT32_MAX) {
    AppendInt32(&range_upper, *query.last_day + 1);
  }
  if (!query.after.empty()) {
    if (!query.descending) {
      std::string after = query.after;
      after.push_back('\0');  // strictly after
      range_lower = std::max(range_lower, after);
    } else if (range_upper.empty() || query.after < range_upper) {
      range_upper = query.after;
    }
  }

  std::vector<ScopeCursor> cursors;
  for (const auto& prefix : prefixes) {
    ScanRange range;
    range.lower = prefix + range_lower;
    range.upper = range_upper.empty() ? PrefixSuccessor(prefix) : prefix + range_upper;
    range.reverse = query.descending;
    cursors.push_back({prefix, kv->Scan(table, range)});
  }

  // Merge the scopes by position; the heap holds cursor indexes.
  auto position_of = [&](size_t i) {
    return cursors[i].it->key().substr(cursors[i].prefix.size());
  };
  auto later = [&](size_t a, size_t b) {
    // priority_queue pops the greatest: invert for ascending scans.
    return query.descending ? position_of(a) < position_of(b)
                            : position_of(a) > position_of(b);
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> heap(later);
  for (size_t i = 0; i < cursors.size(); ++i) {
    if (cursors[i].it->Valid()) {
      heap.push(i);
    } else if (!cursors[i].it->status().ok()) {
      return cursors[i].it->status();
    }
  }

  std::string last_position;
  int rows = 0;
  while (!heap.empty()) {
    const size_t i = heap.top();
    heap.pop();
    MeetingRow row;
    const bool decoded = DecodeMeetingRow(position_of(i), cursors[i].it->value(), &row);
    cursors[i].it->Next();
    if (cursors[i].it->Valid()) {
      heap.push(i);
    } else if (!cursors[i].it->status().ok()) {
      return cursors[i].it->status();
    }
    if (!decoded) return absl::DataLossError("record store: malformed meeting index row");
    if (auto s = CheckStop(query.stop_check, &rows); !s.ok()) return s;
    // The same meeting reached through two organizations of the scope.
    if (row.position == last_position) continue;
    // Emit a multi-day meeting once: at its first day in range (ascending)
    // or its last (descending).
    const int32_t emit_day =
        query.descending
            ? std::min(row.days.last, query.last_day.value_or(INT32_MAX))
            : std::max(row.days.first, query.first_day.value_or(INT32_MIN));
    if (row.day != emit_day) continue;
    last_position = row.position;
    absl::StatusOr<bool> go_on = visit(row);
    if (!go_on.ok()) return go_on.status();
    if (!*go_on) break;
  }
  return absl::OkStatus();
}

// Up to query.limit meetings of `query`, each read by `read(meeting id)`,
// which returns absl::StatusOr<std::optional<T>>: nullopt for a meeting
// deleted since its index row was read, which the page simply skips. Sets
// `next_position` when more follow.
template <typename T, typename Read>
absl::Status CollectMeetingPage(KvStore* kv, const MeetingQuery& query, const Read& read,
                                std::vector<T>* meetings,
                                std::optional<std::string>* next_position) {
  std::string last_position;
  return ScanMeetingRows(kv, query, [&](const MeetingRow& row) -> absl::StatusOr<bool> {
    if (meetings->size() == query.limit) {
      *next_position = last_position;
      return false;
    }
    last_position = row.position;
    absl::StatusOr<std::optional<T>> meeting = read(row.meeting_id);
    if (!meeting.ok()) return meeting.status();
    if (*meeting) meetings->push_back(**std::move(meeting));
    return true;
  });
}

}  // namespace

std::vector<std::string> MeetingOrganizationIds(const Meeting& meeting) {
  std::vector<std::string> names;
  for (const auto& o : meeting.organizers()) names.push_back(o);
  for (const auto& o : meeting.participating_organizations()) names.push_back(o);
  for (const auto& s : meeting.sites()) names.push_back(s.host_organization());
  for (const auto& p : meeting.participants()) {
    names.push_back(p.on_behalf_of());
    if (p.has_group()) names.push_back(p.group().organization());
  }
  std::vector<std::string> ids;
  absl::flat_hash_set<std::string> seen;
  constexpr std::string_view kPrefix = "organizations/";
  for (const auto& name : names) {
    if (name.size() <= kPrefix.size() || name.compare(0, kPrefix.size(), kPrefix) != 0) {
      continue;
    }
    std::string id = name.substr(kPrefix.size());
    if (seen.insert(id).second) ids.push_back(std::move(id));
  }
  return ids;
}

std::string RecordKey::Encode() const {
  std::string out;
  AppendUint8(&out, static_cast<uint8_t>(kind));
  if (kind == RecordKind::kDocument) AppendId(&out, parent_id);
  AppendId(&out, id);
  return out;
}

bool RecordKey::Decode(std::string_view bytes, RecordKey* key) {
  KeyReader reader(bytes);
  uint8_t kind = 0;
  if (!reader.ReadUint8(&kind) || kind < 1 || kind > 4) return false;
  key->kind = static_cast<RecordKind>(kind);
  std::string_view first;
  if (!reader.ReadId(&first)) return false;
  if (key->kind == RecordKind::kDocument) {
    std::string_view second;
    if (!reader.ReadId(&second)) return false;
    key->parent_id.assign(first);
    key->id.assign(second);
  } else {
    key->parent_id.clear();
    key->id.assign(first);
  }
  return reader.done();
}

std::vector<IndexRow> IndexRowsFor(const RecordKey& key,
                                   const RecordEnvelope& record) {
  std::vector<IndexRow> rows;
  const std::string source = key.Encode();
  const bool is_meeting = record.resource_case() == RecordEnvelope::kMeeting;
  // Read once: both the references and the meeting index rows need them.
  const std::vector<std::string> orgs =
      is_meeting ? MeetingOrganizationIds(record.meeting()) : std::vector<std::string>();
  const std::vector<std::string> persons =
      is_meeting ? MeetingPersonIds(record.meeting()) : std::vector<std::string>();
  for (const auto& [kind, id] : ReferencesOf(record, orgs, persons)) {
    rows.push_back({Table::kReferences, ReferencePrefix(kind, id) + source, ""});
  }
  if (!record.search_terms().empty()) {
    const int64_t sort_micros =
        is_meeting ? StartMicros(record.meeting()) : CreateMicrosOf(record);
    for (const SearchTerm& term : record.search_terms()) {
      std::string key;
      AppendId(&key, term.term());
      key += source;
      std::string value;
      AppendUint8(&value, static_cast<uint8_t>(std::min<uint32_t>(term.weight(), 255)));
      AppendInt64(&value, sort_micros);
      rows.push_back({Table::kSearchTerms, std::move(key), std::move(value)});
    }
  }
  if (is_meeting) {
    const Meeting& meeting = record.meeting();
    const StoredDays days = MeetingDays(meeting);
    const std::string value = EncodeDays(days);
    const int64_t start = StartMicros(meeting);
    for (int32_t day = days.first; day <= days.last; ++day) {
      const std::string position = MeetingPosition(day, start, key.id);
      rows.push_back({Table::kMeetingsByDay, position, value});
      for (const auto& org : orgs) {
        std::string k;
        AppendId(&k, org);
        rows.push_back({Table::kMeetingsByOrganization, k + position, value});
      }
      for (const auto& person : persons) {
        std::string k;
        AppendId(&k, person);
        rows.push_back({Table::kMeetingsByPerson, k + position, value});
      }
    }
  }
  return rows;
}

// The superseded version's commit time first, then its kRevisions key, so a
// sweep reads exactly the rows old enough to go.
std::string SupersededRevisionKey(int64_t commit_micros, std::string_view revision_key) {
  std::string out;
  AppendInt64(&out, commit_micros);
  out.append(revision_key);
  return out;
}

absl::StatusOr<std::unique_ptr<RecordStore>> RecordStore::Open(KvStore* kv) {
  auto stored = kv->Get(Table::kMeta, kFormatVersionKey);
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) {
    KeyReader reader(**stored);
    uint32_t version = 0;
    if (!reader.ReadUint32(&version) || !reader.done()) {
      return absl::DataLossError("record store: unreadable format version");
    }
    if (version > kStoreFormatVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          "record store: data format ", version, " is newer than this server's ",
          kStoreFormatVersion, "; run a newer server"));
    }
    // A format 1 store reads as it is: each record says which rules derived
    // its rows, and its next write moves it to the new ones. The version is
    // raised before any such write, so that an older server, which would
    // miss the new references, refuses the store from then on.
    if (version < kStoreFormatVersion) {
      KvBatch batch;
      batch.Put(Table::kMeta, std::string(kFormatVersionKey),
                EncodeFormatVersion(kStoreFormatVersion));
      if (auto status = kv->Write(batch, WriteOptions{.sync = true}); !status.ok()) {
        return status;
      }
    }
  } else {
    KvBatch batch;
    batch.Put(Table::kMeta, std::string(kFormatVersionKey),
              EncodeFormatVersion(kStoreFormatVersion));
    batch.Put(Table::kMeta, std::string(kSupersededIndexedKey), "");
    if (auto status = kv->Write(batch, WriteOptions{.sync = true}); !status.ok()) {
      return status;
    }
  }
  uint64_t last_sequence = 0;
  {
    auto it = kv->Scan(Table::kChanges, {"", "", /*reverse=*/true});
    if (it->Valid()) {
      KeyReader reader(it->key());
      if (!reader.ReadUint64(&last_sequence) || !reader.done()) {
        return absl::DataLossError("record store: malformed change key");
      }
    } else if (!it->status().ok()) {
      return it->status();
    }
  }
  uint64_t pruned_through = 0;
  auto pruned = kv->Get(Table::kMeta, kPrunedThroughKey);
  if (!pruned.ok()) return pruned.status();
  if (pruned->has_value()) {
    KeyReader reader(**pruned);
    if (!reader.ReadUint64(&pruned_through)) {
      return absl::DataLossError("record store: unreadable pruning mark");
    }
    last_sequence = std::max(last_sequence, pruned_through);
  }
  return std::unique_ptr<RecordStore>(new RecordStore(kv, last_sequence, pruned_through));
}

absl::StatusOr<CurrentRecord> RecordStore::Get(const RecordKey& key) {
  const std::string encoded = key.Encode();
  CurrentRecord current;
  auto live = kv_->Get(Table::kRecords, encoded);
  if (!live.ok()) return live.status();
  if (live->has_value()) {
    auto envelope = ParseEnvelope(**live);
    if (!envelope.ok()) return envelope.status();
    current.record = *std::move(envelope);
    return current;
  }
  auto tomb = kv_->Get(Table::kTombstones, encoded);
  if (!tomb.ok()) return tomb.status();
  current.tombstoned = tomb->has_value();
  return current;
}

absl::StatusOr<std::optional<std::string>> RecordStore::GetResourceBytes(const RecordKey& key) {
  auto live = kv_->Get(Table::kRecords, key.Encode());
  if (!live.ok()) return live.status();
  if (!live->has_value()) return std::nullopt;
  std::string& envelope = **live;
  std::optional<std::string_view> resource = ResourceBytes(envelope);
  if (!resource) return absl::DataLossError("record store: unreadable record envelope");
  // Trimmed in place: a meeting is 10-100 KiB, read on every GetMeeting
  // and 50 times per List page, so a second buffer would cost a malloc.
  const size_t offset = static_cast<size_t>(resource->data() - envelope.data());
  const size_t size = resource->size();
  envelope.resize(offset + size);  // first, so the erase moves only the resource
  envelope.erase(0, offset);
  return std::move(*live);
}

absl::StatusOr<bool> RecordStore::Exists(const RecordKey& key) {
  auto live = kv_->Get(Table::kRecords, key.Encode());
  if (!live.ok()) return live.status();
  return live->has_value();
}

absl::Status RecordStore::AddIndexDelta(const RecordKey& key, const RecordEnvelope* before,
                                        const RecordEnvelope* after, KvBatch* batch) {
  std::vector<IndexRow> old_rows;
  std::vector<IndexRow> new_rows;
  if (before) old_rows = IndexRowsFor(key, *before);
  if (after) new_rows = IndexRowsFor(key, *after);
  auto by_key = [](const IndexRow& a, const IndexRow& b) {
    return std::tie(a.table, a.key) < std::tie(b.table, b.key);
  };
  std::sort(old_rows.begin(), old_rows.end(), by_key);
  std::sort(new_rows.begin(), new_rows.end(), by_key);
  // Delete the stale rows, then put the new ones: a row both old and new is
  // rewritten in place, since a later put wins within one batch.
  for (const auto& row : old_rows) {
    if (!std::binary_search(new_rows.begin(), new_rows.end(), row, by_key)) {
      batch->Delete(row.table, row.key);
    }
  }
  for (const auto& row : new_rows) {
    auto it = std::lower_bound(old_rows.begin(), old_rows.end(), row, by_key);
    if (it != old_rows.end() && it->table == row.table && it->key == row.key &&
        it->value == row.value) {
      continue;
    }
    batch->Put(row.table, row.key, row.value);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> RecordStore::FirstReferrer(const RecordKey& target) {
  const std::string prefix = ReferencePrefix(target.kind, target.id);
  auto it = kv_->Scan(Table::kReferences, {prefix, PrefixSuccessor(prefix), false});
  if (it->Valid()) {
    RecordKey referrer;
    if (!RecordKey::Decode(it->key().substr(prefix.size()), &referrer)) {
      return std::optional<std::string>("another record");
    }
    static constexpr const char* kKinds[] = {"", "organization", "person", "meeting",
                                             "document"};
    return std::optional<std::string>(absl::StrCat(
        kKinds[static_cast<int>(referrer.kind)], " \"",
        referrer.parent_id.empty() ? "" : referrer.parent_id + "/", referrer.id, "\""));
  }
  if (!it->status().ok()) return it->status();

  std::string scope;
  AppendId(&scope, target.id);
  const Table index = target.kind == RecordKind::kOrganization ? Table::kMeetingsByOrganization
                                                               : Table::kMeetingsByPerson;
  auto rows = kv_->Scan(index, {scope, PrefixSuccessor(scope), false});
  if (rows->Valid()) {
    MeetingRow row;
    if (!DecodeMeetingRow(rows->key().substr(scope.size()), rows->value(), &row)) {
      return std::optional<std::string>("another record");
    }
    return std::optional<std::string>(absl::StrCat("meeting \"", row.meeting_id, "\""));
  }
  if (!rows->status().ok()) return rows->status();
  return std::optional<std::string>();
}

absl::Status RecordStore::AddChildDeletes(const RecordKey& meeting,
                                          const Tombstone& meeting_tombstone,
                                          KvBatch* batch, std::vector<PendingChange>* changes) {
  std::string prefix;
  AppendUint8(&prefix, static_cast<uint8_t>(RecordKind::kDocument));
  AppendId(&prefix, meeting.id);
  auto it = kv_->Scan(Table::kRecords, {prefix, PrefixSuccessor(prefix), false});
  for (; it->Valid(); it->Next()) {
    RecordKey child;
    if (!RecordKey::Decode(it->key(), &child)) {
      return absl::DataLossError("record store: malformed document key");
    }
    auto envelope = ParseEnvelope(it->value());
    if (!envelope.ok()) return envelope.status();
    if (auto s = AddIndexDelta(child, &*envelope, nullptr, batch); !s.ok()) {
      return s;
    }
    Tombstone tombstone;
    tombstone.set_format_version(kFormatVersion);
    tombstone.set_name(envelope->document().name());
    tombstone.set_uid(envelope->document().uid());
    *tombstone.mutable_delete_time() = meeting_tombstone.delete_time();
    tombstone.set_last_revision(envelope->revision());
    tombstone.set_actor(meeting_tombstone.actor());
    auto change = MakeChange(child, *envelope, MutationResult::Delete(tombstone),
                             std::string(it->value()));
    if (!change.ok()) return change.status();
    changes->push_back(*std::move(change));
    batch->Delete(Table::kRecords, std::string(it->key()));
    batch->Put(Table::kTombstones, std::string(it->key()),
               tombstone.SerializeAsString());
  }
  return it->status();
}

absl::StatusOr<MutationResult> RecordStore::Mutate(
    const RecordKey& key, const MutateOptions& options,
    absl::FunctionRef<absl::StatusOr<MutationResult>(const CurrentRecord&)>
        decide) {
  const std::string encoded = key.Encode();
  std::vector<std::string> lock_keys = {encoded};
  if (key.kind == RecordKind::kDocument) {
    lock_keys.push_back(RecordKey::Meeting(key.parent_id).Encode());
  }
  const bool referable =
      key.kind == RecordKind::kOrganization || key.kind == RecordKind::kPerson;
  // Lock order everywhere: record stripes first, then referable_mu_.
  LockTable::Guard guard = locks_.Lock(
      std::vector<std::string_view>(lock_keys.begin(), lock_keys.end()));
  if (referable) {
    referable_mu_.Lock();
  } else {
    referable_mu_.ReaderLock();
  }
  struct Unlock {
    SharedMutex* mu;
    bool exclusive;
    ~Unlock() {
      if (exclusive) {
        mu->Unlock();
      } else {
        mu->ReaderUnlock();
      }
    }
  } unlock{&referable_mu_, referable};

  auto current = Get(key);
  if (!current.ok()) return current.status();
  auto result = decide(*current);
  if (!result.ok()) return result.status();
  const RecordEnvelope* before = current->record ? &*current->record : nullptr;

  KvBatch batch;
  // Changes in feed order: a forced meeting delete lists its documents first.
  std::vector<PendingChange> changes;
  std::string record_bytes;
  if (result->action == MutationResult::Action::kPut) {
    result->record.set_format_version(kFormatVersion);
    result->record.set_derived_rows(DERIVED_ROWS_FORMAT_2);
    if (auto s = AddIndexDelta(key, before, &result->record, &batch);
        !s.ok()) {
      return s;
    }
    record_bytes = result->record.SerializeAsString();
    batch.Put(Table::kRecords, encoded, record_bytes);
  } else {
    if (!current->record) {
      return absl::NotFoundError("record store: nothing to delete");
    }
    if (referable) {
      auto referrer = FirstReferrer(key);
      if (!referrer.ok()) return referrer.status();
      if (*referrer) {
        return absl::FailedPreconditionError(
            absl::StrCat("still referred to by ", **referrer,
                         "; change or delete the records that refer to it first"));
      }
    }
    if (key.kind == RecordKind::kMeeting) {
      std::string prefix;
      AppendUint8(&prefix, static_cast<uint8_t>(RecordKind::kDocument));
      AppendId(&prefix, key.id);
      auto it = kv_->Scan(Table::kRecords, {prefix, PrefixSuccessor(prefix), false});
      const bool has_documents = it->Valid();
      if (!it->status().ok()) return it->status();
      if (has_documents && !options.delete_children) {
        return absl::FailedPreconditionError(
            "the meeting still has documents; delete them first or set force");
      }
      if (has_documents) {
        if (auto s = AddChildDeletes(key, result->tombstone, &batch, &changes); !s.ok()) {
          return s;
        }
      }
    }
    result->tombstone.set_format_version(kFormatVersion);
    if (auto s = AddIndexDelta(key, before, nullptr, &batch); !s.ok()) {
      return s;
    }
    batch.Delete(Table::kRecords, encoded);
    batch.Put(Table::kTombstones, encoded, result->tombstone.SerializeAsString());
  }
  auto change = MakeChange(key, current->record, *result, std::move(record_bytes));
  if (!change.ok()) return change.status();
  changes.push_back(*std::move(change));

  // Numbers are taken last and settled right after the write, so the
  // watermark waits only for writes that are about to commit.
  const uint64_t first = sequencer_.Allocate(changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    PendingChange& pending = changes[i];
    const ChangeRecord& c = pending.change;
    pending.change.set_sequence(first + i);
    std::string bytes = pending.Serialize();
    batch.Put(Table::kChanges, EncodeSequence(c.sequence()), bytes);
    batch.Put(Table::kRevisions, RevisionKey(c.record_key(), c.revision()), std::move(bytes));
    // The version this change replaces becomes prunable. Ids are never
    // reused, so a deletion's own row is never superseded.
    if (pending.superseded) {
      const auto& [commit_micros, revision] = *pending.superseded;
      batch.Put(Table::kSupersededRevisions,
                SupersededKey(commit_micros, RevisionKey(c.record_key(), revision)), "");
    }
  }
  const absl::Status written = kv_->Write(batch, WriteOptions{.sync = options.sync});
  sequencer_.Finish(first, changes.size());
  if (!written.ok()) return written;
  return result;
}

std::string RecordStore::PendingChange::Serialize() const {
  std::string bytes = change.SerializeAsString();
  if (record_bytes.empty()) return bytes;
  bytes.reserve(bytes.size() + record_bytes.size() + 16);
  {
    google::protobuf::io::StringOutputStream stream(&bytes);  // appends
    google::protobuf::io::CodedOutputStream out(&stream);
    google::protobuf::internal::WireFormatLite::WriteBytes(ChangeRecord::kRecordFieldNumber,
                                                           record_bytes, &out);
  }  // `out` trims the string to what it wrote when it goes
  return bytes;
}

absl::StatusOr<RecordStore::PendingChange> RecordStore::MakeChange(
    const RecordKey& key, const std::optional<RecordEnvelope>& before,
    const MutationResult& result, std::string record_bytes) {
  PendingChange pending;
  ChangeRecord& change = pending.change;
  change.set_format_version(kFormatVersion);
  change.set_record_key(key.Encode());
  if (before) {
    // An update replaces `before`; so does a delete, whose change carries it.
    pending.superseded.emplace(Micros(UpdateTimeOf(*before)), before->revision());
  }
  if (result.action == MutationResult::Action::kPut) {
    change.set_type(before ? meetings::v1::UPDATED : meetings::v1::CREATED);
    pending.record_bytes = std::move(record_bytes);
    *change.mutable_commit_time() = UpdateTimeOf(result.record);
    change.set_actor(result.record.actor());
    change.set_name(std::string(NameOf(result.record)));
    change.set_revision(result.record.revision());
  } else {
    change.set_type(meetings::v1::DELETED);
    if (before) {
      pending.record_bytes = record_bytes.empty() ? before->SerializeAsString()
                                                  : std::move(record_bytes);
    }
    *change.mutable_commit_time() = result.tombstone.delete_time();
    change.set_actor(result.tombstone.actor());
    change.set_name(result.tombstone.name());
    change.set_revision(result.tombstone.last_revision() + 1);
  }

  // Filter keys over both versions, so a record leaving a filter is seen.
  std::vector<const RecordEnvelope*> versions;
  if (before) versions.push_back(&*before);
  if (result.action == MutationResult::Action::kPut) versions.push_back(&result.record);
  std::optional<RecordEnvelope> parent_meeting;
  if (key.kind == RecordKind::kDocument) {
    // The meeting is locked with its document; its keys stand for both.
    auto meeting = Get(RecordKey::Meeting(key.parent_id));
    if (!meeting.ok()) return meeting.status();
    parent_meeting = std::move(meeting->record);
    versions.clear();
    if (parent_meeting) versions.push_back(&*parent_meeting);
  }
  absl::flat_hash_set<std::string> orgs;
  for (const RecordEnvelope* v : versions) {
    if (v->resource_case() == RecordEnvelope::kMeeting) {
      for (auto& id : MeetingOrganizationIds(v->meeting())) orgs.insert(std::move(id));
      const StoredDays days = MeetingDays(v->meeting());
      change.set_first_day(change.has_days() ? std::min(change.first_day(), days.first)
                                             : days.first);
      change.set_last_day(change.has_days() ? std::max(change.last_day(), days.last)
                                            : days.last);
      change.set_has_days(true);
    } else if (v->resource_case() == RecordEnvelope::kOrganization) {
      orgs.insert(key.id);
    }
  }
  if (key.kind == RecordKind::kOrganization) orgs.insert(key.id);
  std::vector<std::string> sorted(orgs.begin(), orgs.end());
  std::sort(sorted.begin(), sorted.end());
  for (auto& id : sorted) change.add_organization_ids(std::move(id));
  return pending;
}

uint64_t RecordStore::pruned_through() const {
  MutexLock lock(&prune_mu_);
  return pruned_through_;
}

absl::StatusOr<ChangePage> RecordStore::ReadChanges(uint64_t after, uint64_t up_to,
                                                    size_t max_rows) {
  if (after < pruned_through()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "changes after sequence ", after, " are no longer retained (kept from ",
        pruned_through() + 1, "); resync: open a stream with start_at_head, list the "
        "records, then follow the stream"));
  }
  ChangePage page;
  page.scanned_through = after;
  if (up_to <= after) return page;
  auto it = kv_->Scan(Table::kChanges,
                      {EncodeSequence(after + 1), EncodeSequence(up_to + 1), false});
  size_t rows = 0;
  for (; it->Valid() && rows < max_rows; it->Next(), ++rows) {
    auto change = ParseChange(it->value());
    if (!change.ok()) return change.status();
    page.scanned_through = change->sequence();
    page.changes.push_back(*std::move(change));
  }
  if (!it->status().ok()) return it->status();
  if (!it->Valid()) page.scanned_through = up_to;
  // Retention may have run while we read: rows it removed would be a gap.
  if (after < pruned_through()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "changes after sequence ", after, " were pruned while reading; resync"));
  }
  return page;
}

absl::StatusOr<uint64_t> RecordStore::PruneChanges(absl::Time older_than, size_t max_rows) {
  const int64_t cutoff = absl::ToUnixMicros(older_than);
  KvBatch batch;
  uint64_t last_deleted = 0;
  uint64_t deleted = 0;
  const uint64_t newest = sequencer_.watermark();
  auto it = kv_->Scan(Table::kChanges, {"", EncodeSequence(newest), false});
  for (; it->Valid() && deleted < max_rows; it->Next()) {
    auto change = ParseChange(it->value());
    if (!change.ok()) return change.status();
    if (Micros(change->commit_time()) >= cutoff) break;
    batch.Delete(Table::kChanges, std::string(it->key()));
    last_deleted = change->sequence();
    ++deleted;
  }
  if (!it->status().ok()) return it->status();
  if (deleted == 0) return 0;
  MutexLock lock(&prune_mu_);
  batch.Put(Table::kMeta, std::string(kPrunedThroughKey), EncodeSequence(last_deleted));
  if (auto s = kv_->Write(batch, WriteOptions{}); !s.ok()) return s;
  pruned_through_ = std::max(pruned_through_, last_deleted);
  return deleted;
}

absl::StatusOr<RevisionPage> RecordStore::ListRevisions(const RecordKey& key,
                                                        uint64_t before_revision,
                                                        size_t limit) {
  const std::string prefix = key.Encode();
  ScanRange range{prefix, PrefixSuccessor(prefix), true};
  if (before_revision > 0) range.upper = RevisionKey(prefix, before_revision);
  RevisionPage page;
  auto it = kv_->Scan(Table::kRevisions, range);
  for (; it->Valid(); it->Next()) {
    auto change = ParseChange(it->value());
    if (!change.ok()) return change.status();
    if (page.revisions.size() == limit) {
      page.next_before = page.revisions.back().revision();
      break;
    }
    page.revisions.push_back(*std::move(change));
  }
  if (!it->status().ok()) return it->status();
  return page;
}

absl::StatusOr<std::optional<ChangeRecord>> RecordStore::GetRevision(const RecordKey& key,
                                                                     uint64_t revision) {
  auto bytes = kv_->Get(Table::kRevisions, RevisionKey(key.Encode(), revision));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<ChangeRecord>();
  auto change = ParseChange(**bytes);
  if (!change.ok()) return change.status();
  return std::optional<ChangeRecord>(*std::move(change));
}

absl::Status RecordStore::IndexSupersededRevisions() {
  auto marker = kv_->Get(Table::kMeta, kSupersededIndexedKey);
  if (!marker.ok()) return marker.status();
  if (marker->has_value()) return absl::OkStatus();
  // Rows come grouped by record, oldest version first: a row followed by
  // one of the same record was superseded. Writers mark what they
  // supersede meanwhile; the rows are idempotent, so overlap is harmless.
  KvBatch batch;
  size_t rows = 0;
  std::string previous_key;
  int64_t previous_commit = 0;
  auto it = kv_->Scan(Table::kRevisions, {});
  for (; it->Valid(); it->Next()) {
    const std::string_view key = it->key();
    if (key.size() < 8) return absl::DataLossError("record store: malformed revision key");
    if (!previous_key.empty() &&
        std::string_view(previous_key).substr(0, previous_key.size() - 8) ==
            key.substr(0, key.size() - 8)) {
      batch.Put(Table::kSupersededRevisions, SupersededKey(previous_commit, previous_key), "");
      if (++rows == kRowsPerRetentionBatch) {
        if (auto s = kv_->Write(batch, WriteOptions{}); !s.ok()) return s;
        batch = KvBatch();
        rows = 0;
      }
    }
    auto commit = ChangeCommitMicros(it->value());
    if (!commit.ok()) return commit.status();
    previous_key.assign(key);
    previous_commit = *commit;
  }
  if (!it->status().ok()) return it->status();
  batch.Put(Table::kMeta, std::string(kSupersededIndexedKey), "");
  return kv_->Write(batch, WriteOptions{.sync = true});
}

absl::StatusOr<uint64_t> RecordStore::PruneRevisions(absl::Time older_than, size_t max_rows) {
  MutexLock lock(&prune_revisions_mu_);
  if (auto s = IndexSupersededRevisions(); !s.ok()) return s;
  std::string cutoff;
  AppendInt64(&cutoff, absl::ToUnixMicros(older_than));
  KvBatch batch;
  uint64_t deleted = 0;
  size_t in_batch = 0;
  auto it = kv_->Scan(Table::kSupersededRevisions, {"", cutoff, false});
  for (; it->Valid() && deleted < max_rows; it->Next()) {
    const std::string_view key = it->key();
    if (key.size() <= 8) return absl::DataLossError("record store: malformed superseded key");
    batch.Delete(Table::kRevisions, std::string(key.substr(8)));
    batch.Delete(Table::kSupersededRevisions, std::string(key));
    ++deleted;
    if (++in_batch == kRowsPerRetentionBatch) {
      if (auto s = kv_->Write(batch, WriteOptions{}); !s.ok()) return s;
      batch = KvBatch();
      in_batch = 0;
    }
  }
  if (!it->status().ok()) return it->status();
  if (in_batch > 0) {
    if (auto s = kv_->Write(batch, WriteOptions{}); !s.ok()) return s;
  }
  return deleted;
}

absl::StatusOr<std::vector<SearchHit>> RecordStore::FindTerm(std::string_view term,
                                                             size_t max_hits,
                                                             const StopCheck& stop_check) {
  std::string prefix;
  AppendId(&prefix, term);
  std::vector<SearchHit> hits;
  int rows = 0;
  auto it = kv_->Scan(Table::kSearchTerms, {prefix, PrefixSuccessor(prefix), false});
  for (; it->Valid(); it->Next()) {
    if (auto s = CheckStop(stop_check, &rows); !s.ok()) return s;
    if (hits.size() == max_hits) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "query: the word \"", std::string(term), "\" matches more than ", max_hits,
          " records; add words or filters"));
    }
    SearchHit hit;
    KeyReader value(it->value());
    uint8_t weight = 0;
    if (!RecordKey::Decode(it->key().substr(prefix.size()), &hit.key) ||
        !value.ReadUint8(&weight) || !value.ReadInt64(&hit.sort_micros)) {
      return absl::DataLossError("record store: malformed search row");
    }
    hit.weight = weight;
    hits.push_back(std::move(hit));
  }
  if (!it->status().ok()) return it->status();
  return hits;
}

absl::StatusOr<RecordPage> RecordStore::List(
    RecordKind kind, std::string_view parent_id, std::string_view after_id,
    size_t limit, const std::function<bool(const RecordEnvelope&)>& filter) {
  std::string prefix;
  AppendUint8(&prefix, static_cast<uint8_t>(kind));
  if (kind == RecordKind::kDocument) AppendId(&prefix, parent_id);
  std::string lower = prefix;
  if (!after_id.empty()) {
    AppendId(&lower, after_id);
    lower.push_back('\0');  // strictly after the id's own key
  }
  RecordPage page;
  std::string last_id;
  auto it = kv_->Scan(Table::kRecords, {lower, PrefixSuccessor(prefix), false});
  for (; it->Valid(); it->Next()) {
    auto envelope = ParseEnvelope(it->value());
    if (!envelope.ok()) return envelope.status();
    if (filter && !filter(*envelope)) continue;
    if (page.records.size() == limit) {
      // More follow: resume after the last record returned.
      page.next_after_id = std::move(last_id);
      break;
    }
    RecordKey key;
    if (!RecordKey::Decode(it->key(), &key)) {
      return absl::DataLossError("record store: malformed record key");
    }
    last_id = std::move(key.id);
    page.records.push_back(*std::move(envelope));
  }
  if (!it->status().ok()) return it->status();
  return page;
}

absl::StatusOr<RecordPage> RecordStore::ListChildOrganizations(
    std::string_view parent_id, std::string_view after_id, size_t limit) {
  std::string prefix = ReferencePrefix(RecordKind::kOrganization, parent_id);
  AppendUint8(&prefix, static_cast<uint8_t>(RecordKind::kOrganization));
  std::string lower = prefix;
  if (!after_id.empty()) {
    AppendId(&lower, after_id);
    lower.push_back('\0');
  }
  RecordPage page;
  auto it = kv_->Scan(Table::kReferences, {lower, PrefixSuccessor(prefix), false});
  for (; it->Valid(); it->Next()) {
    if (page.records.size() == limit) {
      page.next_after_id = page.records.back().organization().name().substr(
          std::string_view("organizations/").size());
      break;
    }
    KeyReader reader(it->key().substr(prefix.size()));
    std::string_view child_id;
    if (!reader.ReadId(&child_id) || !reader.done()) {
      return absl::DataLossError("record store: malformed reference key");
    }
    auto child = Get(RecordKey::Organization(std::string(child_id)));
    if (!child.ok()) return child.status();
    // A reference row always has its record: both change in one batch.
    if (!child->record) {
      return absl::DataLossError(
          absl::StrCat("record store: reference to missing organization ", std::string(child_id)));
    }
    page.records.push_back(*std::move(child->record));
  }
  if (!it->status().ok()) return it->status();
  return page;
}

absl::StatusOr<std::vector<std::string>> RecordStore::OrganizationSubtree(
    std::string_view organization_id, size_t max_count) {
  std::vector<std::string> ids = {std::string(organization_id)};
  absl::flat_hash_set<std::string> seen = {std::string(organization_id)};
  for (size_t next = 0; next < ids.size(); ++next) {
    std::string prefix = ReferencePrefix(RecordKind::kOrganization, ids[next]);
    AppendUint8(&prefix, static_cast<uint8_t>(RecordKind::kOrganization));
    auto it = kv_->Scan(Table::kReferences, {prefix, PrefixSuccessor(prefix), false});
    for (; it->Valid(); it->Next()) {
      KeyReader reader(it->key().substr(prefix.size()));
      std::string_view child_id;
      if (!reader.ReadId(&child_id)) {
        return absl::DataLossError("record store: malformed reference key");
      }
      if (!seen.insert(std::string(child_id)).second) continue;
      if (ids.size() == max_count) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "organization ", std::string(organization_id), " has more than ", max_count,
            " sub-organizations"));
      }
      ids.emplace_back(child_id);
    }
    if (!it->status().ok()) return it->status();
  }
  return ids;
}

absl::StatusOr<MeetingPage> RecordStore::QueryMeetings(const MeetingQuery& query) {
  MeetingPage page;
  absl::Status scanned = CollectMeetingPage(
      kv_, query,
      [this](const std::string& id) -> absl::StatusOr<std::optional<v1::Meeting>> {
        auto current = Get(RecordKey::Meeting(id));
        if (!current.ok()) return current.status();
        if (!current->record) return std::nullopt;
        return std::move(*current->record->mutable_meeting());
      },
      &page.meetings, &page.next_position);
  if (!scanned.ok()) return scanned;
  return page;
}

absl::StatusOr<MeetingBytesPage> RecordStore::QueryMeetingBytes(const MeetingQuery& query) {
  MeetingBytesPage page;
  absl::Status scanned = CollectMeetingPage(
      kv_, query,
      [this](const std::string& id) { return GetResourceBytes(RecordKey::Meeting(id)); },
      &page.meetings, &page.next_position);
  if (!scanned.ok()) return scanned;
  return page;
}

absl::StatusOr<int64_t> RecordStore::CountMeetings(const MeetingQuery& query) {
  int64_t count = 0;
  absl::Status scanned = ScanMeetingRows(kv_, query, [&count](const MeetingRow&) {
    ++count;
    return absl::StatusOr<bool>(true);
  });
  if (!scanned.ok()) return scanned;
  return count;
}

absl::StatusOr<RecordStore::RebuildStats> RecordStore::RebuildDerivedRows(
    const StopCheck& stop_check) {
  constexpr size_t kOpsPerBatch = 4096;
  // Every writer holds referable_mu_ (shared or exclusive) while it runs.
  WriterMutexLock exclude_writers(&referable_mu_);
  RebuildStats stats;
  int rows = 0;
  auto flush = [&](KvBatch* batch) -> absl::Status {
    if (batch->empty()) return absl::OkStatus();
    absl::Status s = kv_->Write(*batch, WriteOptions{});
    *batch = KvBatch();
    return s;
  };
  KvBatch batch;
  for (Table table : {Table::kMeetingsByDay, Table::kMeetingsByOrganization,
                      Table::kMeetingsByPerson, Table::kReferences, Table::kSearchTerms}) {
    auto it = kv_->Scan(table, {});
    for (; it->Valid(); it->Next()) {
      if (auto s = CheckStop(stop_check, &rows); !s.ok()) return s;
      batch.Delete(table, std::string(it->key()));
      ++stats.rows_deleted;
      if (batch.ops().size() >= kOpsPerBatch) {
        if (auto s = flush(&batch); !s.ok()) return s;
      }
    }
    if (!it->status().ok()) return it->status();
  }
  if (auto s = flush(&batch); !s.ok()) return s;
  auto records = kv_->Scan(Table::kRecords, {});
  for (; records->Valid(); records->Next()) {
    if (auto s = CheckStop(stop_check, &rows); !s.ok()) return s;
    RecordKey key;
    if (!RecordKey::Decode(records->key(), &key)) {
      return absl::DataLossError("record store: malformed record key");
    }
    auto envelope = ParseEnvelope(records->value());
    if (!envelope.ok()) return envelope.status();
    ++stats.records;
    for (IndexRow& row : IndexRowsFor(key, *envelope)) {
      batch.Put(row.table, std::move(row.key), std::move(row.value));
      ++stats.rows_written;
    }
    if (batch.ops().size() >= kOpsPerBatch) {
      if (auto s = flush(&batch); !s.ok()) return s;
    }
  }
  if (!records->status().ok()) return records->status();
  if (auto s = flush(&batch); !s.ok()) return s;
  return stats;
}

}  // namespace meetings::storage
