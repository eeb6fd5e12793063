// The benchmark data set: deterministic, within the bounds the issue sets,
// and valid by the service's own validation (so a bulk load cannot fail on
// the data).
#include "tests/bench/dataset.h"

#include <set>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/names.h"
#include "services/domain/validation.h"

namespace meetings::bench {
namespace {

DatasetOptions Small(int64_t meetings, uint64_t seed = 7) {
  DatasetOptions o;
  o.meetings = meetings;
  o.seed = seed;
  return o;
}

TEST(Dataset, SameSeedGivesIdenticalRecords) {
  const Dataset a(Small(1000));
  const Dataset b(Small(1000));
  for (int64_t i : {0, 1, 17, 999, 5000}) {
    const GeneratedMeeting x = a.Meeting(i);
    const GeneratedMeeting y = b.Meeting(i);
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.meeting.SerializeAsString(), y.meeting.SerializeAsString()) << i;
    ASSERT_EQ(x.documents.size(), y.documents.size());
    for (size_t k = 0; k < x.documents.size(); ++k) {
      EXPECT_EQ(x.documents[k].SerializeAsString(), y.documents[k].SerializeAsString());
    }
  }
  for (int64_t i : {0, 3, 1999}) {
    EXPECT_EQ(a.Person(i).SerializeAsString(), b.Person(i).SerializeAsString());
  }
}

TEST(Dataset, RecordsDoNotDependOnGenerationOrder) {
  const Dataset ds(Small(1000));
  const std::string late_first = ds.Meeting(500).meeting.SerializeAsString();
  for (int64_t i = 0; i < 500; ++i) ds.Meeting(i);
  EXPECT_EQ(ds.Meeting(500).meeting.SerializeAsString(), late_first);
}

TEST(Dataset, DifferentSeedsGiveDifferentData) {
  const Dataset a(Small(1000, 1));
  const Dataset b(Small(1000, 2));
  EXPECT_NE(a.Meeting(0).meeting.SerializeAsString(), b.Meeting(0).meeting.SerializeAsString());
  EXPECT_NE(a.Person(0).SerializeAsString(), b.Person(0).SerializeAsString());
}

TEST(Dataset, OrganizationHierarchy) {
  const Dataset ds(Small(100));
  ASSERT_GE(ds.num_organizations(), 1 + 63 + 1);
  EXPECT_EQ(ds.Organization(0).classification(), v1::Organization::NATIONAL_UNION);
  EXPECT_EQ(ds.OrganizationParent(0), -1);
  EXPECT_EQ(Dataset::Provinces().size(), 63u);
  std::set<std::string> provinces;
  for (int i = 1; i <= 63; ++i) {
    const v1::Organization org = ds.Organization(i);
    EXPECT_EQ(org.classification(), v1::Organization::PROVINCIAL_UNION);
    EXPECT_EQ(org.parent(), "organizations/vusta");
    provinces.insert(org.province());
  }
  EXPECT_EQ(provinces.size(), 63u);
  EXPECT_TRUE(provinces.count("Hưng Yên"));
  EXPECT_TRUE(provinces.count("Hà Nội"));
  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < ds.num_organizations(); ++i) {
    EXPECT_TRUE(domain::IsValidId(ds.OrganizationId(i))) << ds.OrganizationId(i);
    EXPECT_TRUE(ids.insert(ds.OrganizationId(i)).second) << ds.OrganizationId(i);
    EXPECT_LT(ds.OrganizationParent(i), i) << "a parent must be created before its children";
    if (i > 63) {
      EXPECT_EQ(ds.Organization(i).classification(), v1::Organization::MEMBER_ASSOCIATION);
    }
  }
}

TEST(Dataset, PersonsHaveVietnameseNamesAndTitles) {
  const Dataset ds(Small(100));
  const std::set<std::string> allowed = {"GS", "PGS.TS", "TS", "ThS", "TSKH"};
  std::set<std::string> seen;
  for (int64_t i = 0; i < 2000; ++i) {
    const v1::Person p = ds.Person(i);
    EXPECT_THAT(p.full_name(), ::testing::StartsWith(p.family_name() + " "));
    EXPECT_THAT(p.full_name(), ::testing::EndsWith(" " + p.given_name()));
    for (const auto& prefix : p.honorific_prefixes()) {
      EXPECT_TRUE(allowed.count(prefix)) << prefix;
      seen.insert(prefix);
    }
  }
  EXPECT_EQ(seen, allowed) << "every title occurs in 2000 persons";
}

TEST(Dataset, MeetingsStayWithinTheirBounds) {
  const Dataset ds(Small(5000));
  const int64_t first = ds.first_day() - absl::CivilDay(1970, 1, 1);
  for (int64_t i = 0; i < 300; ++i) {
    const GeneratedMeeting g = ds.Meeting(i);
    const v1::Meeting& m = g.meeting;
    EXPECT_GE(m.participants_size(), 10);
    EXPECT_LE(m.participants_size(), 200);
    EXPECT_GE(g.documents.size(), 1u);
    EXPECT_LE(g.documents.size(), 5u);
    EXPECT_EQ(g.documents.size(), g.document_ids.size());
    EXPECT_GE(m.sites_size(), 1);
    // Local day (UTC+7) inside the data set's span, and the meeting ends
    // the same local day.
    const int64_t local_start = (m.start_time().seconds() + 7 * 3600) / 86400;
    const int64_t local_end = (m.end_time().seconds() + 7 * 3600) / 86400;
    EXPECT_GE(local_start, first);
    EXPECT_LT(local_start, first + ds.num_days());
    EXPECT_EQ(local_start, local_end);
  }
}

// Every generated record passes the service's validation when the records
// it refers to exist, so the bulk load never fails on the data.
TEST(Dataset, RecordsPassTheServiceValidation) {
  const Dataset ds(Small(2000));
  absl::flat_hash_set<std::string> orgs;
  for (int i = 0; i < ds.num_organizations(); ++i) {
    orgs.insert("organizations/" + ds.OrganizationId(i));
  }
  int resolved = 0;
  const domain::ReferenceResolver resolve = [&](std::string_view field, std::string_view name,
                                                std::string_view collection) -> absl::Status {
    ++resolved;
    if (collection == domain::kOrganizations && orgs.contains(std::string(name))) {
      return absl::OkStatus();
    }
    if (collection == domain::kPersons) {
      const std::string prefix = "persons/p";
      if (name.substr(0, prefix.size()) == prefix &&
          std::stoll(std::string(name.substr(prefix.size()))) < ds.num_persons()) {
        return absl::OkStatus();
      }
    }
    return absl::NotFoundError(std::string(field) + ": " + std::string(name));
  };
  for (int i = 0; i < ds.num_organizations(); ++i) {
    v1::Organization org = ds.Organization(i);
    ASSERT_TRUE(domain::ValidateOrganization("organization", resolve, &org).ok()) << i;
  }
  for (int64_t i = 0; i < 50; ++i) {
    v1::Person person = ds.Person(i);
    ASSERT_TRUE(domain::ValidatePerson("person", resolve, &person).ok()) << i;
  }
  for (int64_t i = 0; i < 100; ++i) {
    GeneratedMeeting g = ds.Meeting(i);
    EXPECT_TRUE(domain::IsValidId(g.id));
    const absl::Status s =
        domain::ValidateMeeting("meeting", resolve, domain::RecordLimits(), &g.meeting);
    ASSERT_TRUE(s.ok()) << "meeting " << i << ": " << s;
    for (size_t k = 0; k < g.documents.size(); ++k) {
      EXPECT_TRUE(domain::IsValidId(g.document_ids[k]));
      const absl::Status d = domain::ValidateDocument("document", resolve, &g.documents[k]);
      ASSERT_TRUE(d.ok()) << "meeting " << i << " document " << k << ": " << d;
    }
  }
  EXPECT_GT(resolved, 100 * 10) << "the resolver saw the references";
}

TEST(Dataset, DensityIsConstantAcrossSizes) {
  for (int64_t n : {10000, 100000, 1000000}) {
    const Dataset ds(Small(n));
    EXPECT_EQ(ds.num_days(), n / 100) << n;
    EXPECT_EQ(ds.num_persons(), std::max<int64_t>(2000, n / 10)) << n;
    EXPECT_EQ(ds.first_day() + (ds.num_days() - 1), absl::CivilDay(2024, 12, 31));
  }
}

}  // namespace
}  // namespace meetings::bench
