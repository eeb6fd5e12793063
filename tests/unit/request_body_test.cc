// Request bodies parsed by the gRPC handlers themselves: a body that is not
// a valid message is INVALID_ARGUMENT, naming the string field whose value
// is not UTF-8 by its path.
#include "services/api/request_body.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "meetings/v1/service.pb.h"

namespace meetings::api {
namespace {

using ::testing::HasSubstr;

// Wire bytes of a length-delimited field.
std::string Len(int field, const std::string& bytes) {
  std::string out(1, static_cast<char>(field << 3 | 2));
  if (field >= 16) out = std::string{static_cast<char>((field << 3 | 2) | 0x80), static_cast<char>(field >> 4)};
  out += static_cast<char>(bytes.size());  // every value here is < 128 bytes
  return out + bytes;
}

grpc::ByteBuffer Buffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

const std::string kBad = "H\xe1\xbb\x99i \xff";  // "Hội " then a byte never valid

TEST(RequestBodyTest, ParsesAValidBodyAndSerializesBack) {
  v1::GetMeetingRequest request;
  request.set_name("meetings/giao-ban-thang-11");
  grpc::ByteBuffer body;
  SerializeResponseBody(request, &body);
  v1::GetMeetingRequest parsed;
  parsed.set_name("left over");
  ASSERT_TRUE(ParseRequestBody(body, &parsed).ok());
  EXPECT_EQ(parsed.name(), "meetings/giao-ban-thang-11");
}

TEST(RequestBodyTest, AnEmptyResponseIsStillAMessage) {
  grpc::ByteBuffer body;
  SerializeResponseBody(v1::GetMeetingRequest(), &body);
  EXPECT_TRUE(body.Valid());
  EXPECT_EQ(body.Length(), 0u);
}

TEST(RequestBodyTest, BytesThatAreNoMessageAreInvalidArgumentNamingTheType) {
  v1::GetMeetingRequest request;
  const absl::Status status = ParseRequestBody(Buffer("\xff\xff\xff\xff\x0f"), &request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("not a valid meetings.v1.GetMeetingRequest"));
}

TEST(RequestBodyTest, NamesTheStringFieldThatIsNotUtf8) {
  v1::GetMeetingRequest get;
  EXPECT_EQ(ParseRequestBody(Buffer(Len(1, kBad)), &get).message(), "name: not valid UTF-8");

  // meeting (1) -> participants (16), the second one -> position (6).
  v1::Participant participant;
  participant.set_person("persons/phan-xuan-dung");
  std::string first;
  participant.SerializeToString(&first);
  const std::string meeting = Len(3, "Giao ban") + Len(16, first) + Len(16, first + Len(6, kBad));
  v1::CreateMeetingRequest create;
  EXPECT_EQ(ParseRequestBody(Buffer(Len(1, meeting)), &create).message(),
            "meeting.participants[1].position: not valid UTF-8");

  // A map names the map: meeting.labels (21) with a bad key.
  const std::string label = Len(21, Len(1, kBad) + Len(2, "v"));
  EXPECT_EQ(ParseRequestBody(Buffer(Len(1, label)), &create).message(),
            "meeting.labels: not valid UTF-8");
}

TEST(RequestBodyTest, FindsNothingInValidOrMalformedBytes) {
  EXPECT_EQ(FindInvalidUtf8Field(*v1::GetMeetingRequest::descriptor(), Len(1, "meetings/a")), "");
  EXPECT_EQ(FindInvalidUtf8Field(*v1::GetMeetingRequest::descriptor(), "\x0a\x40short"), "");
  // Invalid UTF-8 in a bytes-typed or unknown field is not a string field.
  EXPECT_EQ(FindInvalidUtf8Field(*v1::GetMeetingRequest::descriptor(), Len(15, kBad)), "");
}

}  // namespace
}  // namespace meetings::api
