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
  return report;
}

}  // namespace meetings::storage
