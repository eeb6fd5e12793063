#include "services/domain/field_mask.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "meetings/v1/resources.pb.h"

namespace meetings::domain {
namespace {

using google::protobuf::FieldMask;
using google::protobuf::util::MessageDifferencer;
using meetings::v1::Meeting;

const absl::flat_hash_set<std::string>& MeetingOutputOnly() {
  static const auto* const paths = new absl::flat_hash_set<std::string>{
      "uid",  "create_time",      "update_time",
      "etag", "local_start_date", "local_end_date"};
  return *paths;
}

FieldMask Mask(std::initializer_list<const char*> paths) {
  FieldMask mask;
  for (const char* path : paths) mask.add_paths(path);
  return mask;
}

Meeting Stored() {
  Meeting m;
  m.set_name("meetings/briefing");
  m.set_uid("uid-1");
  m.set_title("Old title");
  m.set_description("Old description");
  m.set_kind(Meeting::BRIEFING);
  m.add_organizers("organizations/vusta");
  m.add_organizers("organizations/hung-yen");
  m.mutable_start_time()->set_seconds(1636938000);
  m.mutable_start_time()->set_nanos(5);
  m.set_time_zone("Asia/Ho_Chi_Minh");
  m.add_sites()->set_site_id("ha-noi");
  m.add_sites()->set_site_id("hung-yen");
  (*m.mutable_labels())["old"] = "1";
  m.mutable_create_time()->set_seconds(100);
  m.set_etag("stored-etag");
  return m;
}

Meeting Patch() {
  Meeting p;
  p.set_name("meetings/other");
  p.set_uid("forged-uid");
  p.set_title("New title");
  p.add_organizers("organizations/new");
  p.mutable_start_time()->set_seconds(1637000000);
  p.add_sites()->set_site_id("online");
  (*p.mutable_labels())["new"] = "2";
  p.mutable_create_time()->set_seconds(999);
  p.set_etag("patch-etag");
  return p;
}

TEST(ApplyUpdateMask, SinglePathReplacesOnlyThatField) {
  Meeting target = Stored();
  ASSERT_TRUE(ApplyUpdateMask(Patch(), Mask({"title"}), "meeting",
                              MeetingOutputOnly(), &target)
                  .ok());
  Meeting expected = Stored();
  expected.set_title("New title");
  EXPECT_TRUE(MessageDifferencer::Equals(target, expected))
      << target.DebugString();
}

TEST(ApplyUpdateMask, RepeatedAndMapFieldsAreReplacedWhole) {
  Meeting target = Stored();
  ASSERT_TRUE(ApplyUpdateMask(Patch(), Mask({"organizers", "sites", "labels"}),
                              "meeting", MeetingOutputOnly(), &target)
                  .ok());
  ASSERT_EQ(target.organizers_size(), 1);
  EXPECT_EQ(target.organizers(0), "organizations/new");
  ASSERT_EQ(target.sites_size(), 1);
  EXPECT_EQ(target.sites(0).site_id(), "online");
  ASSERT_EQ(target.labels_size(), 1);
  EXPECT_EQ(target.labels().at("new"), "2");
  EXPECT_EQ(target.title(), "Old title");
}

TEST(ApplyUpdateMask, MessageFieldIsReplacedNotMerged) {
  Meeting target = Stored();
  ASSERT_TRUE(ApplyUpdateMask(Patch(), Mask({"start_time"}), "meeting",
                              MeetingOutputOnly(), &target)
                  .ok());
  EXPECT_EQ(target.start_time().seconds(), 1637000000);
  EXPECT_EQ(target.start_time().nanos(), 0);  // Not merged from the old value.
}

TEST(ApplyUpdateMask, NestedPathUpdatesOnlyTheSubField) {
  Meeting target = Stored();
  ASSERT_TRUE(ApplyUpdateMask(Patch(), Mask({"start_time.seconds"}), "meeting",
                              MeetingOutputOnly(), &target)
                  .ok());
  EXPECT_EQ(target.start_time().seconds(), 1637000000);
  EXPECT_EQ(target.start_time().nanos(), 5);
}

TEST(ApplyUpdateMask, PathUnsetInPatchClearsTheField) {
  Meeting target = Stored();
  ASSERT_TRUE(ApplyUpdateMask(Patch(),
                              Mask({"description", "kind", "time_zone"}),
                              "meeting", MeetingOutputOnly(), &target)
                  .ok());
  EXPECT_EQ(target.description(), "");
  EXPECT_EQ(target.kind(), Meeting::KIND_UNSPECIFIED);
  EXPECT_EQ(target.time_zone(), "");
  EXPECT_EQ(target.title(), "Old title");

  Meeting no_end = Stored();
  no_end.mutable_end_time()->set_seconds(1637010000);
  ASSERT_TRUE(ApplyUpdateMask(Patch(), Mask({"end_time"}), "meeting",
                              MeetingOutputOnly(), &no_end)
                  .ok());
  EXPECT_FALSE(no_end.has_end_time());
}

TEST(ApplyUpdateMask, EmptyMaskUpdatesTheFieldsSetInPatch) {
  Meeting target = Stored();
  ASSERT_TRUE(ApplyUpdateMask(Patch(), FieldMask(), "meeting",
                              MeetingOutputOnly(), &target)
                  .ok());
  EXPECT_EQ(target.title(), "New title");
  ASSERT_EQ(target.organizers_size(), 1);
  EXPECT_EQ(target.organizers(0), "organizations/new");
  EXPECT_EQ(target.start_time().seconds(), 1637000000);
  EXPECT_EQ(target.start_time().nanos(), 0);
  ASSERT_EQ(target.sites_size(), 1);
  EXPECT_EQ(target.labels_size(), 1);
  // Unset in the patch: kept.
  EXPECT_EQ(target.description(), "Old description");
  EXPECT_EQ(target.kind(), Meeting::BRIEFING);
  EXPECT_EQ(target.time_zone(), "Asia/Ho_Chi_Minh");
  // Name and output-only fields: kept.
  EXPECT_EQ(target.name(), "meetings/briefing");
  EXPECT_EQ(target.uid(), "uid-1");
  EXPECT_EQ(target.create_time().seconds(), 100);
  EXPECT_EQ(target.etag(), "stored-etag");
}

TEST(ApplyUpdateMask, WildcardReplacesAllButOutputOnlyAndName) {
  Meeting target = Stored();
  ASSERT_TRUE(ApplyUpdateMask(Patch(), Mask({"*"}), "meeting",
                              MeetingOutputOnly(), &target)
                  .ok());
  EXPECT_EQ(target.title(), "New title");
  EXPECT_EQ(target.description(), "");  // Unset in the patch: cleared.
  EXPECT_EQ(target.kind(), Meeting::KIND_UNSPECIFIED);
  EXPECT_EQ(target.time_zone(), "");
  ASSERT_EQ(target.organizers_size(), 1);
  ASSERT_EQ(target.sites_size(), 1);
  EXPECT_EQ(target.start_time().seconds(), 1637000000);
  EXPECT_EQ(target.name(), "meetings/briefing");
  EXPECT_EQ(target.uid(), "uid-1");
  EXPECT_EQ(target.create_time().seconds(), 100);
  EXPECT_EQ(target.etag(), "stored-etag");
}

TEST(ApplyUpdateMask, WildcardWithOtherPathsIsRejected) {
  Meeting target = Stored();
  absl::Status status = ApplyUpdateMask(
      Patch(), Mask({"*", "title"}), "meeting", MeetingOutputOnly(), &target);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "update_mask: \"*\" must be the only path");
}

TEST(ApplyUpdateMask, UnknownPathIsRejectedAndChangesNothing) {
  for (const char* bad : {"titel", "sites.site_id", "title.x", "", "Title",
                          "start_time.nope", "labels.k", ".title",
                          "start_time..seconds", "start_time.", "*.title"}) {
    Meeting target = Stored();
    absl::Status status = ApplyUpdateMask(
        Patch(), Mask({"title", bad}), "meeting", MeetingOutputOnly(), &target);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(status.message(), std::string("update_mask: unknown field \"") +
                                    bad + "\" of meeting");
    EXPECT_TRUE(MessageDifferencer::Equals(target, Stored())) << bad;
  }
}

TEST(ApplyUpdateMask, OutputOnlyAndNamePathsAreIgnoredNotErrors) {
  Meeting target = Stored();
  ASSERT_TRUE(ApplyUpdateMask(Patch(),
                              Mask({"uid", "create_time", "create_time.seconds",
                                    "etag", "name", "title"}),
                              "meeting", MeetingOutputOnly(), &target)
                  .ok());
  Meeting expected = Stored();
  expected.set_title("New title");
  EXPECT_TRUE(MessageDifferencer::Equals(target, expected))
      << target.DebugString();

  Meeting untouched = Stored();
  ASSERT_TRUE(ApplyUpdateMask(Patch(), Mask({"uid"}), "meeting",
                              MeetingOutputOnly(), &untouched)
                  .ok());
  EXPECT_TRUE(MessageDifferencer::Equals(untouched, Stored()));
}

TEST(ApplyUpdateMask, MismatchedMessageTypesAreAnInternalError) {
  meetings::v1::Site site;
  absl::Status status = ApplyUpdateMask(Patch(), Mask({"title"}), "meeting",
                                        MeetingOutputOnly(), &site);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace meetings::domain
