#include "services/domain/etag.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace meetings::domain {
namespace {

TEST(MakeEtag, IsSixteenLowercaseHexDigits) {
  const std::string etag = MakeEtag("uid-1", 1);
  ASSERT_EQ(etag.size(), 16u);
  EXPECT_EQ(etag.find_first_not_of("0123456789abcdef"), std::string::npos)
      << etag;
}

TEST(MakeEtag, IsStableAcrossCallsAndBuilds) {
  EXPECT_EQ(MakeEtag("uid-1", 7), MakeEtag("uid-1", 7));
  // Frozen value: FNV-1a 64 of "uid-1" 0x00 and revision 7 big-endian.
  // A change here breaks etags clients hold across a server upgrade.
  EXPECT_EQ(MakeEtag("uid-1", 7), "e3c0029c12df3eac");
}

TEST(MakeEtag, ChangesWithRevisionAndUid) {
  absl::flat_hash_set<std::string> seen;
  for (uint64_t revision = 0; revision < 1000; ++revision) {
    EXPECT_TRUE(seen.insert(MakeEtag("uid-1", revision)).second) << revision;
  }
  EXPECT_NE(MakeEtag("uid-1", 1), MakeEtag("uid-2", 1));
  // The separator keeps ("ab", r) and ("a", r') apart.
  EXPECT_NE(MakeEtag("a", 0x6200000000000000ULL), MakeEtag("ab", 0));
}

TEST(CheckEtag, EmptyOrEqualPasses) {
  const std::string stored = MakeEtag("uid-1", 3);
  EXPECT_TRUE(CheckEtag("meeting.etag", "", stored).ok());
  EXPECT_TRUE(CheckEtag("meeting.etag", stored, stored).ok());
}

TEST(CheckEtag, StaleIsAbortedNamingFieldAndBothEtags) {
  const std::string old_etag = MakeEtag("uid-1", 3);
  const std::string stored = MakeEtag("uid-1", 4);
  absl::Status status = CheckEtag("meeting.etag", old_etag, stored);
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(status.message(), "meeting.etag: etag \"" + old_etag +
                                  "\" is stale; the current etag is \"" +
                                  stored + "\"; re-read and retry");
}

TEST(CheckEtag, GarbageEtagIsQuotedSafely) {
  absl::Status status = CheckEtag("etag", std::string("\xFF\"x", 3), "abc");
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(status.message(),
            "etag: etag \"\\xff\\\"x\" is stale; the current etag is \"abc\"; "
            "re-read and retry");
}

}  // namespace
}  // namespace meetings::domain
