// Fuzzes RecordKey::Decode (services/storage/record_store.h), which parses
// the keys of the records, tombstones and references tables.
//
// Input: arbitrary bytes, decoded as a record key. Properties:
//   - Decode never reads outside the input (ASan) and accepts exactly the
//     bytes Encode can produce: a decoded key encodes back to the input;
//   - the decoded kind is one of the four kinds, and only documents carry
//     a parent id;
//   - conversely, any key built from the input's bytes (split at 0x00 into
//     ids) decodes back to itself.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "services/storage/record_store.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using meetings::storage::RecordKey;
using meetings::storage::RecordKind;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  RecordKey key;
  if (RecordKey::Decode(bytes, &key)) {
    const int kind = static_cast<int>(key.kind);
    FUZZ_CHECK(kind >= 1 && kind <= 4, "decoded an unknown record kind");
    FUZZ_CHECK(key.kind == RecordKind::kDocument || key.parent_id.empty(),
               "a non-document key has a parent id");
    FUZZ_CHECK(key.Encode() == bytes, "decode then encode is not the identity");
  }

  // Build a key from the input and decode it back.
  if (size >= 1) {
    const std::string_view rest = bytes.substr(1);
    const size_t zero = rest.find('\0');
    const std::string first(rest.substr(0, zero));
    const std::string second(zero == std::string_view::npos ? std::string_view()
                                                            : rest.substr(zero + 1));
    if (second.find('\0') == std::string::npos) {
      const int kind = 1 + data[0] % 4;
      const RecordKey built = kind == 4 ? RecordKey::Document(first, second)
                                        : RecordKey{static_cast<RecordKind>(kind), first, {}};
      RecordKey parsed;
      FUZZ_CHECK(RecordKey::Decode(built.Encode(), &parsed), "an encoded key does not decode");
      FUZZ_CHECK(parsed == built, "key changed across encode and decode");
    }
  }
  return 0;
}
