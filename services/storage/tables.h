// The registry of tables (RocksDB column families). Every persisted table is
// listed here and only here; FORMAT.md documents each one's key and value
// layout.
//
// The numbers and names are persisted: do not reorder, renumber or rename.
// Add new tables at the end.
#ifndef MEETINGS_SERVICES_STORAGE_TABLES_H_
#define MEETINGS_SERVICES_STORAGE_TABLES_H_

#include <array>
#include <cstdint>
#include <string_view>

namespace meetings::storage {

enum class Table : uint8_t {
  // Store-wide metadata, e.g. the format version.
  kMeta = 0,
  // Live records: one RecordEnvelope per organization, person, meeting and
  // document.
  kRecords = 1,
  // Tombstones of deleted records, kept so ids are never reused and syncing
  // clients learn of deletions.
  kTombstones = 2,
  // Meetings by local day (one row per day a meeting spans).
  kMeetingsByDay = 3,
  // Meetings by organization (organizers and participating organizations),
  // one row per day spanned.
  kMeetingsByOrganization = 4,
  // Meetings by person (participants), one row per day spanned.
  kMeetingsByPerson = 5,
  // Reverse references: which records point at an organization or person,
  // so a referenced record cannot be deleted.
  kReferences = 6,
  // The change feed: one row per committed write, by sequence number.
  kChanges = 7,
  // Every version of every record, by record and revision.
  kRevisions = 8,
  // Folded search terms -> records containing them.
  kSearchTerms = 9,
  // Versions that a newer one replaced, by their own commit time: what
  // revision retention may delete, found without reading every revision.
  kSupersededRevisions = 10,
};

struct TableInfo {
  Table table;
  // RocksDB column family name; kMeta uses the default column family.
  std::string_view name;
};

inline constexpr std::array<TableInfo, 11> kTables = {{
    {Table::kMeta, "default"},
    {Table::kRecords, "records"},
    {Table::kTombstones, "tombstones"},
    {Table::kMeetingsByDay, "meetings_by_day"},
    {Table::kMeetingsByOrganization, "meetings_by_organization"},
    {Table::kMeetingsByPerson, "meetings_by_person"},
    {Table::kReferences, "references"},
    {Table::kChanges, "changes"},
    {Table::kRevisions, "revisions"},
    {Table::kSearchTerms, "search_terms"},
    {Table::kSupersededRevisions, "superseded_revisions"},
}};

inline constexpr std::string_view TableName(Table table) {
  return kTables[static_cast<uint8_t>(table)].name;
}

}  // namespace meetings::storage

#endif  // MEETINGS_SERVICES_STORAGE_TABLES_H_
