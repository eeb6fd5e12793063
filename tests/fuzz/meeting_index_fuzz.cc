// Fuzzes the decoding of meeting index rows and reference rows, and of the
// resume position a page token carries, in the record store and the
// consistency checker.
//
// The records table holds the fixed base data set (base_store.h); the
// input adds, overwrites and deletes rows of the derived tables
// (meetings_by_day, meetings_by_organization, meetings_by_person,
// references, search_terms) and describes one meeting query. Input layout:
//
//   | bytes | field                                                     |
//   |-------|-----------------------------------------------------------|
//   | 1     | flags: bits 0-1 index (day, organization, person), bit 2  |
//   |       | descending, bit 3 first_day set, bit 4 last_day set, bit  |
//   |       | 5 every base organization as scope                        |
//   | 4     | first_day, i32 big-endian (days since 1970-01-01)         |
//   | 4     | last_day                                                  |
//   | 1     | limit: 1 + byte % 8                                       |
//   | 2 + n | after: u16 big-endian length, then the bytes              |
//   | ...   | rows until the input ends: u8 op (bits 0-6 modulo 5: the  |
//   |       | table in the order above; bit 7: delete), u16 length +    |
//   |       | key, and for puts u16 length + value. A truncated last    |
//   |       | row is ignored.                                           |
//
// Properties:
//   - QueryMeetings returns OK, INVALID_ARGUMENT (malformed position) or
//     DATA_LOSS (malformed row); never more meetings than the limit; a
//     next position it hands out is accepted back and moves strictly
//     forward in scan order;
//   - the domain's ListMeetings, ListOrganizations, the subtree walk and
//     deletes over the damaged tables return only documented codes;
//   - CheckConsistency reports 0 problems exactly when the derived tables
//     are byte-for-byte those of the base data set.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <string>
#include <string_view>

#include "services/storage/consistency.h"
#include "tests/fuzz/base_store.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using meetings::fuzz::BaseStore;
using meetings::fuzz::CodeIn;
using meetings::fuzz::MemoryKvStore;
using meetings::storage::MeetingQuery;
using meetings::storage::Table;
using Code = absl::StatusCode;

constexpr Table kDerived[] = {Table::kMeetingsByDay, Table::kMeetingsByOrganization,
                              Table::kMeetingsByPerson, Table::kReferences,
                              Table::kSearchTerms};

// Reads the input front to back; reads past the end return zeros/empty and
// clear ok.
struct Cursor {
  std::string_view rest;
  bool ok = true;

  uint32_t Int(int bytes) {
    uint32_t value = 0;
    for (int i = 0; i < bytes; ++i) {
      if (rest.empty()) {
        ok = false;
        return 0;
      }
      value = (value << 8) | static_cast<uint8_t>(rest[0]);
      rest.remove_prefix(1);
    }
    return value;
  }
  std::string Bytes() {
    const size_t n = Int(2);
    if (!ok || rest.size() < n) {
      ok = false;
      return {};
    }
    std::string out(rest.substr(0, n));
    rest.remove_prefix(n);
    return out;
  }
};

const MemoryKvStore& Base() {
  static const BaseStore* base = new BaseStore(meetings::fuzz::BuildBaseStore());
  return *base->kv;
}

bool DerivedTablesEqualBase(const MemoryKvStore& kv) {
  for (Table t : kDerived) {
    if (kv.rows(t) != Base().rows(t)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  meetings::fuzz::SilenceProtobufLogging();
  Base();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Cursor in{std::string_view(reinterpret_cast<const char*>(data), size)};
  const uint8_t flags = static_cast<uint8_t>(in.Int(1));
  const int32_t first_day = static_cast<int32_t>(in.Int(4));
  const int32_t last_day = static_cast<int32_t>(in.Int(4));
  const size_t limit = 1 + in.Int(1) % 8;
  const std::string after = in.Bytes();
  if (!in.ok) return 0;

  auto kv = Base().Clone();
  while (!in.rest.empty()) {
    const uint8_t op = static_cast<uint8_t>(in.Int(1));
    const Table table = kDerived[(op & 0x7f) % std::size(kDerived)];
    std::string key = in.Bytes();
    if (op & 0x80) {
      if (in.ok) kv->Delete(table, key);
    } else {
      std::string value = in.Bytes();
      if (in.ok) kv->Put(table, std::move(key), std::move(value));
    }
    if (!in.ok) break;
  }
  const bool pristine = DerivedTablesEqualBase(*kv);
  BaseStore b = meetings::fuzz::OpenOver(std::move(kv));

  // The store's query, and its second page.
  MeetingQuery query;
  query.index = static_cast<MeetingQuery::Index>((flags & 3) % 3);
  query.descending = flags & 4;
  if (flags & 8) query.first_day = first_day;
  if (flags & 16) query.last_day = last_day;
  query.limit = limit;
  query.after = after;
  if (query.index == MeetingQuery::Index::kByOrganization) {
    query.scope_ids = (flags & 32) ? meetings::fuzz::BaseOrganizationIds()
                                   : std::vector<std::string>{"vusta"};
  } else if (query.index == MeetingQuery::Index::kByPerson) {
    query.scope_ids = {meetings::fuzz::BasePersonIds()[flags & 32 ? 1 : 0]};
  }
  auto page = b.store->QueryMeetings(query);
  FUZZ_CHECK(page.ok() || CodeIn(page.status(), {Code::kInvalidArgument, Code::kDataLoss}),
             "QueryMeetings: " + page.status().ToString());
  if (page.ok()) {
    FUZZ_CHECK(page->meetings.size() <= limit, "page longer than its limit");
    if (page->next_position) {
      const std::string& next = *page->next_position;
      if (!after.empty()) {
        FUZZ_CHECK(query.descending ? next < after : next > after,
                   "next page position does not move forward");
      }
      query.after = next;
      auto second = b.store->QueryMeetings(query);
      FUZZ_CHECK(second.ok() || CodeIn(second.status(), {Code::kDataLoss}),
                 "a position the store handed out was refused: " + second.status().ToString());
    }
  }

  // The consistency checker is exact.
  auto report = meetings::storage::CheckConsistency(b.store.get());
  FUZZ_CHECK(report.ok() || CodeIn(report.status(), {Code::kDataLoss}),
             "CheckConsistency: " + report.status().ToString());
  if (report.ok()) {
    FUZZ_CHECK((report->problem_count == 0) == pristine,
               pristine ? "problems reported on untouched tables: " +
                              (report->problems.empty() ? std::string() : report->problems[0])
                        : std::string("damaged index tables reported consistent"));
  }

  // Domain calls over the damaged tables.
  meetings::v1::ListMeetingsRequest list;
  if (query.index == MeetingQuery::Index::kByOrganization) list.set_organization("organizations/vusta");
  if (query.index == MeetingQuery::Index::kByPerson) list.set_person("persons/phan-xuan-dung");
  list.set_include_sub_organizations(query.index == MeetingQuery::Index::kByOrganization &&
                                     (flags & 32));
  list.set_order_by(query.descending ? "start_time desc" : "start_time");
  list.set_page_size(static_cast<int>(limit));
  auto listed = b.core->ListMeetings(list, {});
  FUZZ_CHECK(listed.ok() || CodeIn(listed.status(), {Code::kDataLoss, Code::kResourceExhausted}),
             "ListMeetings: " + listed.status().ToString());
  meetings::v1::ListOrganizationsRequest children;
  children.set_parent("organizations/vusta");
  auto orgs = b.core->ListOrganizations(children, {});
  FUZZ_CHECK(orgs.ok() || CodeIn(orgs.status(), {Code::kDataLoss}),
             "ListOrganizations: " + orgs.status().ToString());
  auto subtree = b.store->OrganizationSubtree("vusta", 50);
  FUZZ_CHECK(subtree.ok() || CodeIn(subtree.status(), {Code::kDataLoss, Code::kResourceExhausted}),
             "OrganizationSubtree: " + subtree.status().ToString());
  meetings::v1::DeleteOrganizationRequest del_org;
  del_org.set_name("organizations/hoi-a");
  auto deleted = b.core->DeleteOrganization(del_org);
  FUZZ_CHECK(deleted.ok() || CodeIn(deleted, {Code::kFailedPrecondition, Code::kDataLoss}),
             "DeleteOrganization: " + deleted.ToString());
  meetings::v1::DeleteMeetingRequest del_meeting;
  del_meeting.set_name("meetings/giao-ban");
  del_meeting.set_force(true);
  deleted = b.core->DeleteMeeting(del_meeting);
  FUZZ_CHECK(deleted.ok() || CodeIn(deleted, {Code::kDataLoss}),
             "DeleteMeeting: " + deleted.ToString());
  return 0;
}
