// Fuzzes the order-preserving key codec (services/storage/key_codec.h).
//
// Input: a program byte count N (first byte, at most 32), N program bytes,
// then the key bytes. The program picks which Read* to run, in order, over
// the key bytes. Properties:
//   - no read ever touches memory outside the input (ASan);
//   - decode then re-encode is the identity on every prefix that decoded:
//     the re-encoded fields followed by rest() give back the input;
//   - once a read fails the reader stays failed and done() is false;
//   - encoding preserves order: for two values read from the input, byte
//     order of their encodings equals numeric (or id) order.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "services/storage/key_codec.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using meetings::storage::AppendId;
using meetings::storage::AppendInt32;
using meetings::storage::AppendInt64;
using meetings::storage::AppendUint32;
using meetings::storage::AppendUint64;
using meetings::storage::AppendUint8;
using meetings::storage::KeyReader;

template <typename T>
void CheckOrder(T a, T b, void (*append)(std::string*, T)) {
  std::string ea, eb;
  append(&ea, a);
  append(&eb, b);
  FUZZ_CHECK((a < b) == (ea < eb) && (a == b) == (ea == eb), "encoding does not preserve order");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t program_size = std::min<size_t>(data[0] % 33, size - 1);
  const std::string_view program(reinterpret_cast<const char*>(data) + 1, program_size);
  const std::string_view input(reinterpret_cast<const char*>(data) + 1 + program_size,
                               size - 1 - program_size);

  KeyReader reader(input);
  std::string reencoded;
  std::vector<int64_t> signed_values;
  std::vector<uint64_t> unsigned_values;
  std::vector<std::string_view> ids;
  bool failed = false;
  for (char op : program) {
    bool ok = false;
    switch (static_cast<uint8_t>(op) % 6) {
      case 0: {
        uint8_t v;
        if ((ok = reader.ReadUint8(&v))) {
          AppendUint8(&reencoded, v);
          unsigned_values.push_back(v);
        }
        break;
      }
      case 1: {
        uint32_t v;
        if ((ok = reader.ReadUint32(&v))) {
          AppendUint32(&reencoded, v);
          unsigned_values.push_back(v);
        }
        break;
      }
      case 2: {
        uint64_t v;
        if ((ok = reader.ReadUint64(&v))) {
          AppendUint64(&reencoded, v);
          unsigned_values.push_back(v);
        }
        break;
      }
      case 3: {
        int32_t v;
        if ((ok = reader.ReadInt32(&v))) {
          AppendInt32(&reencoded, v);
          signed_values.push_back(v);
        }
        break;
      }
      case 4: {
        int64_t v;
        if ((ok = reader.ReadInt64(&v))) {
          AppendInt64(&reencoded, v);
          signed_values.push_back(v);
        }
        break;
      }
      case 5: {
        std::string_view id;
        if ((ok = reader.ReadId(&id))) {
          FUZZ_CHECK(id.find('\0') == std::string_view::npos, "ReadId returned a 0x00 byte");
          AppendId(&reencoded, id);
          ids.push_back(id);
        }
        break;
      }
    }
    if (!ok) {
      failed = true;
      break;
    }
  }

  if (failed) {
    FUZZ_CHECK(!reader.ok() && !reader.done(), "a failed read left the reader ok");
    uint8_t byte;
    std::string_view id;
    FUZZ_CHECK(!reader.ReadUint8(&byte) && !reader.ReadId(&id), "a failed reader read again");
  } else {
    FUZZ_CHECK(reader.ok(), "every read succeeded but the reader is failed");
    FUZZ_CHECK(reencoded + std::string(reader.rest()) == input,
               "decode then encode is not the identity");
    FUZZ_CHECK(reader.done() == reader.rest().empty(), "done() disagrees with rest()");
  }

  // Order preservation over neighbouring values the input supplied.
  for (size_t i = 1; i < signed_values.size(); ++i) {
    CheckOrder<int64_t>(signed_values[i - 1], signed_values[i], &AppendInt64);
    if (signed_values[i - 1] >= INT32_MIN && signed_values[i - 1] <= INT32_MAX &&
        signed_values[i] >= INT32_MIN && signed_values[i] <= INT32_MAX) {
      CheckOrder<int32_t>(static_cast<int32_t>(signed_values[i - 1]),
                          static_cast<int32_t>(signed_values[i]), &AppendInt32);
    }
  }
  for (size_t i = 1; i < unsigned_values.size(); ++i) {
    CheckOrder<uint64_t>(unsigned_values[i - 1], unsigned_values[i], &AppendUint64);
  }
  for (size_t i = 1; i < ids.size(); ++i) {
    // Ids compare as byte strings, and a shorter id sorts before its
    // extensions thanks to the terminator.
    std::string ea, eb;
    AppendId(&ea, ids[i - 1]);
    AppendId(&eb, ids[i]);
    FUZZ_CHECK((ids[i - 1] < ids[i]) == (ea < eb), "id encoding does not preserve order");
  }
  return 0;
}
