#include "services/storage/key_codec.h"

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "services/storage/kv_store.h"

namespace meetings::storage {
namespace {

using std::string_literals::operator""s;

template <typename T>
std::string Encode(void (*append)(std::string*, T), T value) {
  std::string out;
  append(&out, value);
  return out;
}

TEST(KeyCodec, Uint8RoundTripsExtremes) {
  for (uint8_t v : {uint8_t{0}, uint8_t{1}, uint8_t{0x7f}, uint8_t{0x80},
                    uint8_t{0xff}}) {
    std::string key = Encode(AppendUint8, v);
    ASSERT_EQ(key.size(), 1u);
    KeyReader reader(key);
    uint8_t got = 0;
    ASSERT_TRUE(reader.ReadUint8(&got));
    EXPECT_EQ(got, v);
    EXPECT_TRUE(reader.done());
  }
}

TEST(KeyCodec, Uint32RoundTripsExtremes) {
  for (uint32_t v : {uint32_t{0}, uint32_t{1}, uint32_t{0x80000000},
                     std::numeric_limits<uint32_t>::max()}) {
    std::string key = Encode(AppendUint32, v);
    ASSERT_EQ(key.size(), 4u);
    KeyReader reader(key);
    uint32_t got = 0;
    ASSERT_TRUE(reader.ReadUint32(&got));
    EXPECT_EQ(got, v);
    EXPECT_TRUE(reader.done());
  }
}

TEST(KeyCodec, Uint64RoundTripsExtremes) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{1} << 63,
                     std::numeric_limits<uint64_t>::max()}) {
    std::string key = Encode(AppendUint64, v);
    ASSERT_EQ(key.size(), 8u);
    KeyReader reader(key);
    uint64_t got = 0;
    ASSERT_TRUE(reader.ReadUint64(&got));
    EXPECT_EQ(got, v);
    EXPECT_TRUE(reader.done());
  }
}

TEST(KeyCodec, Int32RoundTripsExtremes) {
  for (int32_t v : {std::numeric_limits<int32_t>::min(), int32_t{-1},
                    int32_t{0}, int32_t{1},
                    std::numeric_limits<int32_t>::max()}) {
    std::string key = Encode(AppendInt32, v);
    ASSERT_EQ(key.size(), 4u);
    KeyReader reader(key);
    int32_t got = 0;
    ASSERT_TRUE(reader.ReadInt32(&got));
    EXPECT_EQ(got, v);
    EXPECT_TRUE(reader.done());
  }
}

TEST(KeyCodec, Int64RoundTripsExtremes) {
  for (int64_t v : {std::numeric_limits<int64_t>::min(), int64_t{-1},
                    int64_t{0}, int64_t{1},
                    std::numeric_limits<int64_t>::max()}) {
    std::string key = Encode(AppendInt64, v);
    ASSERT_EQ(key.size(), 8u);
    KeyReader reader(key);
    int64_t got = 0;
    ASSERT_TRUE(reader.ReadInt64(&got));
    EXPECT_EQ(got, v);
    EXPECT_TRUE(reader.done());
  }
}

TEST(KeyCodec, IdRoundTripsIncludingEmptyAndHighBytes) {
  for (std::string_view id : {""s, "a"s, "org-123"s, "\x01\xff\x80"s}) {
    std::string key;
    AppendId(&key, id);
    ASSERT_EQ(key.size(), id.size() + 1);
    EXPECT_EQ(key.back(), '\0');
    KeyReader reader(key);
    std::string_view got;
    ASSERT_TRUE(reader.ReadId(&got));
    EXPECT_EQ(got, id);
    EXPECT_TRUE(reader.done());
  }
}

TEST(KeyCodec, EncodingsAreBigEndianAndSignFlipped) {
  EXPECT_EQ(Encode(AppendUint32, uint32_t{0x01020304}), "\x01\x02\x03\x04"s);
  EXPECT_EQ(Encode(AppendUint64, uint64_t{0x0102030405060708}),
            "\x01\x02\x03\x04\x05\x06\x07\x08"s);
  EXPECT_EQ(Encode(AppendInt32, std::numeric_limits<int32_t>::min()),
            "\x00\x00\x00\x00"s);
  EXPECT_EQ(Encode(AppendInt32, int32_t{0}), "\x80\x00\x00\x00"s);
  EXPECT_EQ(Encode(AppendInt32, int32_t{-1}), "\x7f\xff\xff\xff"s);
  EXPECT_EQ(Encode(AppendInt64, std::numeric_limits<int64_t>::max()),
            "\xff\xff\xff\xff\xff\xff\xff\xff"s);
}

TEST(KeyCodec, CompositeKeyRoundTrips) {
  std::string key;
  AppendUint8(&key, 3);
  AppendId(&key, "org-1");
  AppendInt32(&key, -20240101);
  AppendInt64(&key, -5);
  AppendUint64(&key, 42);
  AppendUint32(&key, 7);
  AppendId(&key, "meeting-9");

  KeyReader reader(key);
  uint8_t u8;
  std::string_view org, meeting;
  int32_t i32;
  int64_t i64;
  uint64_t u64;
  uint32_t u32;
  ASSERT_TRUE(reader.ReadUint8(&u8));
  ASSERT_TRUE(reader.ReadId(&org));
  ASSERT_TRUE(reader.ReadInt32(&i32));
  ASSERT_TRUE(reader.ReadInt64(&i64));
  ASSERT_TRUE(reader.ReadUint64(&u64));
  ASSERT_TRUE(reader.ReadUint32(&u32));
  ASSERT_TRUE(reader.ReadId(&meeting));
  EXPECT_TRUE(reader.done());
  EXPECT_EQ(u8, 3);
  EXPECT_EQ(org, "org-1");
  EXPECT_EQ(i32, -20240101);
  EXPECT_EQ(i64, -5);
  EXPECT_EQ(u64, 42u);
  EXPECT_EQ(u32, 7u);
  EXPECT_EQ(meeting, "meeting-9");
}

// The property every index relies on: comparing encodings as bytes gives
// the same answer as comparing the values.
template <typename T>
void ExpectByteOrderMatchesNumericOrder(void (*append)(std::string*, T),
                                        uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<T> any(std::numeric_limits<T>::min(),
                                       std::numeric_limits<T>::max());
  // Small values too, so neighbours and sign changes are well covered.
  std::uniform_int_distribution<int> small(-3, 3);
  auto draw = [&]() -> T {
    return (rng() % 4 == 0) ? static_cast<T>(small(rng)) : any(rng);
  };
  for (int i = 0; i < 20000; ++i) {
    T a = draw();
    T b = draw();
    std::string ea = Encode(append, a);
    std::string eb = Encode(append, b);
    ASSERT_EQ(a < b, ea < eb) << a << " vs " << b;
    ASSERT_EQ(a == b, ea == eb) << a << " vs " << b;
  }
}

TEST(KeyCodec, Uint32OrderingMatchesByteOrder) {
  ExpectByteOrderMatchesNumericOrder<uint32_t>(AppendUint32, 1);
}

TEST(KeyCodec, Uint64OrderingMatchesByteOrder) {
  ExpectByteOrderMatchesNumericOrder<uint64_t>(AppendUint64, 2);
}

TEST(KeyCodec, Int32OrderingMatchesByteOrder) {
  ExpectByteOrderMatchesNumericOrder<int32_t>(AppendInt32, 3);
}

TEST(KeyCodec, Int64OrderingMatchesByteOrder) {
  ExpectByteOrderMatchesNumericOrder<int64_t>(AppendInt64, 4);
}

TEST(KeyCodec, SignedExtremesSortInNumericOrder) {
  const std::vector<int64_t> ascending = {
      std::numeric_limits<int64_t>::min(), std::numeric_limits<int32_t>::min(),
      -1, 0, 1, std::numeric_limits<int32_t>::max(),
      std::numeric_limits<int64_t>::max()};
  for (size_t i = 1; i < ascending.size(); ++i) {
    EXPECT_LT(Encode(AppendInt64, ascending[i - 1]),
              Encode(AppendInt64, ascending[i]));
  }
  EXPECT_LT(Encode(AppendInt32, std::numeric_limits<int32_t>::min()),
            Encode(AppendInt32, int32_t{-1}));
  EXPECT_LT(Encode(AppendInt32, int32_t{-1}), Encode(AppendInt32, int32_t{0}));
  EXPECT_LT(Encode(AppendInt32, int32_t{0}),
            Encode(AppendInt32, std::numeric_limits<int32_t>::max()));
}

std::string IdKey(std::string_view id, uint32_t suffix) {
  std::string key;
  AppendId(&key, id);
  AppendUint32(&key, suffix);
  return key;
}

TEST(KeyCodec, IdTerminatorSortsShorterIdFirst) {
  // Whatever follows the id, "ab" sorts before its extensions.
  const uint32_t kMax = std::numeric_limits<uint32_t>::max();
  EXPECT_LT(IdKey("ab", kMax), IdKey("ab-c", 0));
  EXPECT_LT(IdKey("ab-c", kMax), IdKey("abc", 0));
  EXPECT_LT(IdKey("ab", kMax), IdKey("abc", 0));
}

TEST(KeyCodec, IdPrefixScanExcludesLongerIds) {
  std::string prefix;
  AppendId(&prefix, "ab");  // "ab\0"
  const std::string upper = PrefixSuccessor(prefix);
  auto in_scan = [&](const std::string& key) {
    return key >= prefix && key < upper;
  };
  EXPECT_TRUE(in_scan(IdKey("ab", 0)));
  EXPECT_TRUE(in_scan(IdKey("ab", std::numeric_limits<uint32_t>::max())));
  EXPECT_FALSE(in_scan(IdKey("abc", 0)));
  EXPECT_FALSE(in_scan(IdKey("ab-c", 0)));
  EXPECT_FALSE(in_scan(IdKey("a", 0)));
}

TEST(KeyCodec, ReaderFailsOnTruncatedIntegersAndStaysFailed) {
  std::string key = Encode(AppendUint64, uint64_t{7});
  key.pop_back();  // 7 bytes
  {
    KeyReader reader(key);
    uint64_t u64;
    EXPECT_FALSE(reader.ReadUint64(&u64));
    EXPECT_FALSE(reader.ok());
    EXPECT_FALSE(reader.done());
    // Enough bytes remain for these, but the reader stays failed.
    uint8_t u8;
    uint32_t u32;
    int32_t i32;
    std::string_view id;
    EXPECT_FALSE(reader.ReadUint8(&u8));
    EXPECT_FALSE(reader.ReadUint32(&u32));
    EXPECT_FALSE(reader.ReadInt32(&i32));
    EXPECT_FALSE(reader.ReadId(&id));
    EXPECT_FALSE(reader.ok());
  }
  {
    KeyReader reader(std::string_view(key.data(), 3));
    int32_t i32;
    EXPECT_FALSE(reader.ReadInt32(&i32));
    EXPECT_FALSE(reader.ok());
  }
  {
    KeyReader reader(key);
    int64_t i64;
    EXPECT_FALSE(reader.ReadInt64(&i64));
    EXPECT_FALSE(reader.ok());
  }
  {
    KeyReader reader("");
    uint8_t u8;
    EXPECT_FALSE(reader.ReadUint8(&u8));
    EXPECT_FALSE(reader.ok());
  }
}

TEST(KeyCodec, ReaderFailsOnUnterminatedIdAndStaysFailed) {
  KeyReader reader("abc");
  std::string_view id;
  EXPECT_FALSE(reader.ReadId(&id));
  EXPECT_FALSE(reader.ok());
  uint8_t u8;
  EXPECT_FALSE(reader.ReadUint8(&u8));
  EXPECT_FALSE(reader.done());
}

TEST(KeyCodec, ReaderReportsUnreadBytes) {
  std::string key;
  AppendUint32(&key, 1);
  key += "xy";
  KeyReader reader(key);
  uint32_t u32;
  ASSERT_TRUE(reader.ReadUint32(&u32));
  EXPECT_TRUE(reader.ok());
  EXPECT_FALSE(reader.done());
  EXPECT_EQ(reader.rest(), "xy");
}

TEST(PrefixSuccessor, EmptyPrefixHasNoSuccessor) {
  EXPECT_EQ(PrefixSuccessor(""), "");
}

TEST(PrefixSuccessor, IncrementsLastByte) {
  EXPECT_EQ(PrefixSuccessor("a"), "b");
  EXPECT_EQ(PrefixSuccessor("ab\0"s), "ab\x01"s);
}

TEST(PrefixSuccessor, DropsTrailingFfBytes) {
  EXPECT_EQ(PrefixSuccessor("a\xff"s), "b");
  EXPECT_EQ(PrefixSuccessor("a\xfe\xff"s), "a\xff"s);
}

TEST(PrefixSuccessor, AllFfPrefixHasNoSuccessor) {
  EXPECT_EQ(PrefixSuccessor("\xff\xff"s), "");
}

TEST(PrefixSuccessor, BoundsEveryExtensionOfThePrefix) {
  const std::string prefix = "a\xff"s;
  const std::string upper = PrefixSuccessor(prefix);
  for (const std::string& key :
       {prefix, prefix + "\xff\xff\xff"s, prefix + "\x00"s}) {
    EXPECT_LT(key, upper);
  }
  EXPECT_GE("b"s, upper);
}

}  // namespace
}  // namespace meetings::storage
