#include "services/domain/page_token.h"

#include <string>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace meetings::domain {
namespace {

constexpr char kMalformed[] = "page_token: malformed";
constexpr char kOtherQuery[] =
    "page_token: does not belong to this query (the request's other fields "
    "changed)";

TEST(Fingerprint64, IsFnv1a64WithKnownValues) {
  // Published FNV-1a 64 test vectors: the value is frozen.
  EXPECT_EQ(Fingerprint64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fingerprint64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fingerprint64("foobar"), 0x85944171f73967e8ULL);
  EXPECT_NE(Fingerprint64("organization=a"), Fingerprint64("organization=b"));
}

TEST(PageToken, RoundTripsPositions) {
  const uint64_t query =
      Fingerprint64("organization=vusta;order_by=start_time");
  for (const std::string& position :
       {std::string(), std::string("k"), std::string("\x00\x01\xFF", 3),
        std::string(300, '\xAB'), std::string("meetings/abc\x00", 13)}) {
    const std::string token = EncodePageToken(query, position);
    EXPECT_FALSE(token.empty());
    EXPECT_EQ(token.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                  "0123456789-_"),
              std::string::npos)
        << token;
    absl::StatusOr<std::string> decoded = DecodePageToken(token, query);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, position);
  }
}

TEST(PageToken, IsDeterministic) {
  EXPECT_EQ(EncodePageToken(42, "pos"), EncodePageToken(42, "pos"));
  EXPECT_NE(EncodePageToken(42, "pos"), EncodePageToken(43, "pos"));
}

TEST(PageToken, FlippedCharacterIsMalformed) {
  const std::string token = EncodePageToken(7, "position-of-the-next-page");
  for (size_t i = 0; i < token.size(); ++i) {
    std::string bad = token;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    absl::StatusOr<std::string> decoded = DecodePageToken(bad, 7);
    ASSERT_FALSE(decoded.ok()) << "flipped character " << i;
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(decoded.status().message(), kMalformed) << i;
  }
}

TEST(PageToken, EveryFlippedBitOfTheDecodedBytesIsMalformed) {
  const std::string token = EncodePageToken(7, "position");
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &raw));
  for (size_t i = 0; i < raw.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = raw;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      absl::StatusOr<std::string> decoded =
          DecodePageToken(absl::WebSafeBase64Escape(bad), 7);
      ASSERT_FALSE(decoded.ok()) << "byte " << i << " bit " << bit;
      EXPECT_EQ(decoded.status().message(), kMalformed);
    }
  }
}

TEST(PageToken, TruncatedExtendedOrPaddedIsMalformed) {
  const std::string token = EncodePageToken(7, "position");
  EXPECT_EQ(
      DecodePageToken(token.substr(0, token.size() - 1), 7).status().message(),
      kMalformed);
  EXPECT_EQ(DecodePageToken(token + "A", 7).status().message(), kMalformed);
  EXPECT_EQ(DecodePageToken(token + "=", 7).status().message(), kMalformed);
  EXPECT_EQ(DecodePageToken(token + "==", 7).status().message(), kMalformed);
  EXPECT_EQ(DecodePageToken("", 7).status().message(), kMalformed);
  // Standard base64 characters are not URL-safe base64.
  std::string standard = token;
  for (char& c : standard) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  if (standard != token) {
    EXPECT_EQ(DecodePageToken(standard, 7).status().message(), kMalformed);
  }
}

TEST(PageToken, OtherVersionIsMalformed) {
  // A well-formed layout with version 2 and a correct check.
  std::string raw(1, '\x02');
  for (int i = 7; i >= 0; --i)
    raw.push_back(static_cast<char>((7ULL >> (8 * i)) & 0xFF));
  raw += "position";
  const uint32_t check = static_cast<uint32_t>(Fingerprint64(raw));
  for (int i = 3; i >= 0; --i)
    raw.push_back(static_cast<char>((check >> (8 * i)) & 0xFF));
  EXPECT_EQ(
      DecodePageToken(absl::WebSafeBase64Escape(raw), 7).status().message(),
      kMalformed);
  // The same bytes with version 1 decode, so only the version was wrong.
  raw[0] = '\x01';
  raw.resize(raw.size() - 4);
  const uint32_t check1 = static_cast<uint32_t>(Fingerprint64(raw));
  for (int i = 3; i >= 0; --i)
    raw.push_back(static_cast<char>((check1 >> (8 * i)) & 0xFF));
  EXPECT_EQ(*DecodePageToken(absl::WebSafeBase64Escape(raw), 7), "position");
}

TEST(PageToken, OtherQueryFingerprintIsRejected) {
  const uint64_t query = Fingerprint64("organization=vusta");
  const uint64_t changed = Fingerprint64("organization=hung-yen");
  const std::string token = EncodePageToken(query, "position");
  absl::StatusOr<std::string> decoded = DecodePageToken(token, changed);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(decoded.status().message(), kOtherQuery);
}

TEST(PageToken, RandomGarbageNeverCrashesAndIsInvalidArgument) {
  absl::BitGen gen;
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (int i = 0; i < 20000; ++i) {
    const size_t size = absl::Uniform<size_t>(gen, 0, 80);
    std::string garbage;
    const bool base64_only = absl::Bernoulli(gen, 0.5);
    for (size_t k = 0; k < size; ++k) {
      garbage.push_back(
          base64_only ? alphabet[absl::Uniform<size_t>(gen, 0, alphabet.size())]
                      : static_cast<char>(absl::Uniform<int>(gen, 0, 256)));
    }
    absl::StatusOr<std::string> decoded = DecodePageToken(garbage, 99);
    ASSERT_FALSE(decoded.ok()) << absl::CHexEscape(garbage);
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_FALSE(DecodePageToken(std::string(100000, 'A'), 99).ok());
  EXPECT_FALSE(DecodePageToken(std::string("\0\0\0\0", 4), 99).ok());
}

}  // namespace
}  // namespace meetings::domain
