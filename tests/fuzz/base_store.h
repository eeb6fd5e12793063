// A small, fixed data set for the fuzz targets that need stored records:
// three organizations (a chain of parents), two persons, three meetings
// (one day in Hanoi, three days in New York, one in UTC) and a document,
// written through the production domain core into a MemoryKvStore.
//
// Deterministic apart from uids and etags: ids, times and therefore every
// index and reference row are the same on every run, so the seed corpora
// written from it (make_seeds.cc) keep matching what the targets load.
#ifndef MEETINGS_TESTS_FUZZ_BASE_STORE_H_
#define MEETINGS_TESTS_FUZZ_BASE_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/domain/meeting_records.h"
#include "services/storage/record_store.h"
#include "tests/fuzz/fuzz_support.h"

namespace meetings::fuzz {

// Organization and person ids of the base store, for query scopes.
inline const std::vector<std::string>& BaseOrganizationIds() {
  static const auto* ids = new std::vector<std::string>{"vusta", "lhh-hung-yen", "hoi-a"};
  return *ids;
}
inline const std::vector<std::string>& BasePersonIds() {
  static const auto* ids = new std::vector<std::string>{"phan-xuan-dung", "nguyen-khac-hao"};
  return *ids;
}

struct BaseStore {
  std::unique_ptr<MemoryKvStore> kv;
  std::unique_ptr<storage::RecordStore> store;
  std::unique_ptr<domain::MeetingRecords> core;
};

// Opens a record store and domain core over `kv` (which must outlive them),
// with the clock pinned to 2022-01-01 so that stored times never vary.
// Aborts on failure: the fuzz target cannot run without it.
inline BaseStore OpenOver(std::unique_ptr<MemoryKvStore> kv) {
  BaseStore base;
  base.kv = std::move(kv);
  auto store = storage::RecordStore::Open(base.kv.get());
  FUZZ_CHECK(store.ok(), store.status().ToString());
  base.store = *std::move(store);
  domain::MeetingRecordsOptions options;
  options.now = [] { return absl::FromUnixSeconds(1640995200); };
  base.core = std::make_unique<domain::MeetingRecords>(base.store.get(), options);
  return base;
}

inline v1::Meeting BaseMeeting(const std::string& title, int64_t start, int64_t hours,
                               const std::string& zone, std::vector<std::string> organizers,
                               std::vector<std::string> persons) {
  v1::Meeting m;
  m.set_title(title);
  m.set_time_zone(zone);
  m.mutable_start_time()->set_seconds(start);
  m.mutable_end_time()->set_seconds(start + hours * 3600);
  for (const auto& o : organizers) m.add_organizers("organizations/" + o);
  int n = 0;
  for (const auto& p : persons) {
    auto* participant = m.add_participants();
    participant->set_participant_id("p" + std::to_string(n++));
    participant->set_person("persons/" + p);
    participant->add_roles(v1::Participant::DELEGATE);
  }
  return m;
}

// Builds the base data set; aborts if any write fails.
inline BaseStore BuildBaseStore() {
  BaseStore base = OpenOver(std::make_unique<MemoryKvStore>());
  auto org = [&](const std::string& id, const std::string& parent) {
    v1::CreateOrganizationRequest r;
    r.set_organization_id(id);
    r.mutable_organization()->set_display_name("Liên hiệp hội " + id);
    if (!parent.empty()) r.mutable_organization()->set_parent("organizations/" + parent);
    auto created = base.core->CreateOrganization(r);
    FUZZ_CHECK(created.ok(), created.status().ToString());
  };
  org("vusta", "");
  org("lhh-hung-yen", "vusta");
  org("hoi-a", "lhh-hung-yen");
  for (const auto& id : BasePersonIds()) {
    v1::CreatePersonRequest r;
    r.set_person_id(id);
    r.mutable_person()->set_full_name("Người " + id);
    auto created = base.core->CreatePerson(r);
    FUZZ_CHECK(created.ok(), created.status().ToString());
  }
  auto meeting = [&](const std::string& id, v1::Meeting m) {
    v1::CreateMeetingRequest r;
    r.set_meeting_id(id);
    *r.mutable_meeting() = std::move(m);
    auto created = base.core->CreateMeeting(r);
    FUZZ_CHECK(created.ok(), created.status().ToString());
  };
  // 2021-11-15T01:00:00Z, 08:00 in Hanoi.
  meeting("giao-ban", BaseMeeting("Hội nghị giao ban", 1636938000, 4, "Asia/Ho_Chi_Minh",
                                  {"vusta"}, {"phan-xuan-dung", "nguyen-khac-hao"}));
  meeting("hoi-thao", BaseMeeting("Hội thảo ba ngày", 1636981200, 60, "America/New_York",
                                  {"lhh-hung-yen", "vusta"}, {"nguyen-khac-hao"}));
  meeting("le-ky-niem", BaseMeeting("Lễ kỷ niệm", 1637020800, 2, "UTC", {"hoi-a"}, {}));
  v1::CreateDocumentRequest doc;
  doc.set_parent("meetings/giao-ban");
  doc.set_document_id("bao-cao");
  doc.mutable_document()->set_title("Báo cáo");
  doc.mutable_document()->set_presenter("persons/phan-xuan-dung");
  auto created = base.core->CreateDocument(doc);
  FUZZ_CHECK(created.ok(), created.status().ToString());
  return base;
}

}  // namespace meetings::fuzz

#endif  // MEETINGS_TESTS_FUZZ_BASE_STORE_H_
