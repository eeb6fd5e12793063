#include "services/storage/consistency.h"

#include <algorithm>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/storage/key_codec.h"

namespace meetings::storage {
namespace {

constexpr size_t kMaxProblemTexts = 100;
constexpr Table kDerivedTables[] = {Table::kMeetingsByDay, Table::kMeetingsByOrganization,
                                    Table::kMeetingsByPerson, Table::kReferences,
                                    Table::kSearchTerms};

void Report(ConsistencyReport* report, std::string problem) {
  ++report->problem_count;
  if (report->problems.size() < kMaxProblemTexts) report->problems.push_back(std::move(problem));
}

// The record a derived row belongs to, from the row's key alone.
std::optional<RecordKey> OwnerOf(Table table, std::string_view key) {
  KeyReader reader(key);
  std::string_view id;
  switch (table) {
    case Table::kMeetingsByOrganization:
    case Table::kMeetingsByPerson:
      if (!reader.ReadId(&id)) return std::nullopt;
      [[fallthrough]];
    case Table::kMeetingsByDay: {
      int32_t day;
      int64_t start;
      if (!reader.ReadInt32(&day) || !reader.ReadInt64(&start) || !reader.ReadId(&id) ||
          !reader.done()) {
        return std::nullopt;
      }
      return RecordKey::Meeting(std::string(id));
    }
    case Table::kSearchTerms: {
      RecordKey owner;
      if (!reader.ReadId(&id) || !RecordKey::Decode(reader.rest(), &owner)) return std::nullopt;
      return owner;
    }
    case Table::kReferences: {
      uint8_t kind;
      RecordKey owner;
      if (!reader.ReadUint8(&kind) || !reader.ReadId(&id) ||
          !RecordKey::Decode(reader.rest(), &owner)) {
        return std::nullopt;
      }
      return owner;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

absl::StatusOr<ConsistencyReport> CheckConsistency(RecordStore* store,
                                                   const StopCheck& stop_check) {
  KvStore* kv = store->kv();
  ConsistencyReport report;
  uint64_t steps = 0;
  auto check_stop = [&]() -> absl::Status {
    if (stop_check && ++steps % 256 == 0) return stop_check();
    return absl::OkStatus();
  };

  // 1. Every record has every row it derives, with the right value.
  auto records = kv->Scan(Table::kRecords, {});
  for (; records->Valid(); records->Next()) {
    if (auto s = check_stop(); !s.ok()) return s;
    ++report.records_checked;
    RecordKey key;
    RecordEnvelope envelope;
    if (!RecordKey::Decode(records->key(), &key) ||
        !envelope.ParseFromArray(records->value().data(),
                                 static_cast<int>(records->value().size()))) {
      Report(&report, absl::StrCat("unreadable record at key ",
                                   absl::CHexEscape(std::string(records->key()))));
      continue;
    }
    for (const IndexRow& row : IndexRowsFor(key, envelope)) {
      auto stored = kv->Get(row.table, row.key);
      if (!stored.ok()) return stored.status();
      if (!stored->has_value() || **stored != row.value) {
        Report(&report, absl::StrCat(std::string(TableName(row.table)), " row ",
                                     absl::CHexEscape(row.key), " of record ",
                                     absl::CHexEscape(key.Encode()),
                                     stored->has_value() ? " has a stale value" : " is missing"));
      }
    }
  }
  if (!records->status().ok()) return records->status();

  // 2. Every derived row belongs to a live record that derives it.
  for (Table table : kDerivedTables) {
    std::optional<RecordKey> cached_owner;
    std::vector<IndexRow> cached_rows;
    auto rows = kv->Scan(table, {});
    for (; rows->Valid(); rows->Next()) {
      if (auto s = check_stop(); !s.ok()) return s;
      ++report.index_rows_checked;
      const std::string key(rows->key());
      auto owner = OwnerOf(table, key);
      if (!owner) {
        Report(&report, absl::StrCat(std::string(TableName(table)), " row ",
                                     absl::CHexEscape(key), " is malformed"));
        continue;
      }
      if (!cached_owner || !(*cached_owner == *owner)) {
        cached_owner = owner;
        cached_rows.clear();
        auto current = store->Get(*owner);
        if (!current.ok()) return current.status();
        if (current->record) cached_rows = IndexRowsFor(*owner, *current->record);
      }
      const bool derived = std::any_of(cached_rows.begin(), cached_rows.end(),
                                       [&](const IndexRow& r) {
                                         return r.table == table && r.key == key &&
                                                r.value == rows->value();
                                       });
      if (!derived) {
        Report(&report, absl::StrCat(std::string(TableName(table)), " row ",
                                     absl::CHexEscape(key),
                                     " has no record that derives it"));
      }
    }
    if (!rows->status().ok()) return rows->status();
  }

  // 3. Every version that a newer one of its record replaced, and only
  // those, is listed for retention under its own commit time. A store
  // whose list the first retention sweep has not yet filled is skipped.
  auto indexed = kv->Get(Table::kMeta, kSupersededRevisionsIndexedKey);
  if (!indexed.ok()) return indexed.status();
  if (indexed->has_value()) {
    auto superseded_key_of = [](std::string_view revision_key,
                                std::string_view bytes) -> std::optional<std::string> {
      ChangeRecord change;
      if (!change.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        return std::nullopt;
      }
      const auto& t = change.commit_time();
      return SupersededRevisionKey(t.seconds() * 1000000 + t.nanos() / 1000, revision_key);
    };
    // Rows come grouped by record, oldest first: a row followed by one of
    // the same record is superseded.
    std::string previous_key;
    std::string previous_bytes;
    auto check_previous = [&](bool superseded) -> absl::Status {
      if (previous_key.empty()) return absl::OkStatus();
      auto expected = superseded_key_of(previous_key, previous_bytes);
      if (!expected) {
        Report(&report, absl::StrCat("revisions row ", absl::CHexEscape(previous_key),
                                     " is unreadable"));
        return absl::OkStatus();
      }
      auto stored = kv->Get(Table::kSupersededRevisions, *expected);
      if (!stored.ok()) return stored.status();
      if (superseded && !stored->has_value()) {
        Report(&report, absl::StrCat("revisions row ", absl::CHexEscape(previous_key),
                                     " was superseded but is not listed for retention"));
      } else if (!superseded && stored->has_value()) {
        Report(&report, absl::StrCat("revisions row ", absl::CHexEscape(previous_key),
                                     " is its record's newest but is listed for retention"));
      }
      return absl::OkStatus();
    };
    auto revisions = kv->Scan(Table::kRevisions, {});
    for (; revisions->Valid(); revisions->Next()) {
      if (auto s = check_stop(); !s.ok()) return s;
      ++report.index_rows_checked;
      const std::string_view key = revisions->key();
      const bool same_record =
          !previous_key.empty() && key.size() >= 8 && previous_key.size() >= 8 &&
          std::string_view(previous_key).substr(0, previous_key.size() - 8) ==
              key.substr(0, key.size() - 8);
      if (auto s = check_previous(same_record); !s.ok()) return s;
      previous_key.assign(key);
      previous_bytes.assign(revisions->value());
    }
    if (!revisions->status().ok()) return revisions->status();
    if (auto s = check_previous(false); !s.ok()) return s;

    // And no listed row points at a version that is not stored.
    auto listed = kv->Scan(Table::kSupersededRevisions, {});
    for (; listed->Valid(); listed->Next()) {
      if (auto s = check_stop(); !s.ok()) return s;
      ++report.index_rows_checked;
      const std::string key(listed->key());
      if (key.size() <= 8) {
        Report(&report, absl::StrCat("superseded_revisions row ", absl::CHexEscape(key),
                                     " is malformed"));
        continue;
      }
      auto stored = kv->Get(Table::kRevisions, key.substr(8));
      if (!stored.ok()) return stored.status();
      if (!stored->has_value()) {
        Report(&report, absl::StrCat("superseded_revisions row ", absl::CHexEscape(key),
                                     " lists a version that is not stored"));
      }
    }
    if (!listed->status().ok()) return listed->status();
  }
  return report;
}

}  // namespace meetings::storage
