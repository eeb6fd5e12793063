// Fuzzes page-token decoding (services/domain/page_token.h), the one piece
// of opaque caller input every List call parses.
//
// Input: 8 bytes of query fingerprint (big-endian; missing bytes are 0),
// then the token. Properties:
//   - DecodePageToken never crashes and returns OK or INVALID_ARGUMENT with
//     a message starting "page_token: ";
//   - a token that decodes is canonical: encoding its position again under
//     the same fingerprint gives back the very same token;
//   - the same token under any other fingerprint is refused;
//   - any byte string used as a position round-trips through
//     EncodePageToken / DecodePageToken (when the token fits the length
//     limit), and is refused under another fingerprint.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "services/domain/page_token.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using meetings::domain::DecodePageToken;
using meetings::domain::EncodePageToken;

void CheckRefusal(const absl::Status& status) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument,
             "page token refused with a code other than INVALID_ARGUMENT: " + status.ToString());
  FUZZ_CHECK(status.message().substr(0, 12) == "page_token: ",
             "page token error does not name the field: " + status.ToString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint64_t fingerprint = 0;
  size_t used = 0;
  for (; used < 8 && used < size; ++used) fingerprint = (fingerprint << 8) | data[used];
  const std::string_view token(reinterpret_cast<const char*>(data) + used, size - used);

  auto decoded = DecodePageToken(token, fingerprint);
  if (decoded.ok()) {
    FUZZ_CHECK(EncodePageToken(fingerprint, *decoded) == token,
               "a token that decodes is not the canonical encoding of its position");
    auto foreign = DecodePageToken(token, fingerprint ^ 1);
    FUZZ_CHECK(!foreign.ok(), "a token decoded under a foreign fingerprint");
    CheckRefusal(foreign.status());
  } else {
    CheckRefusal(decoded.status());
  }

  // The input as a position: encode, decode, compare.
  const std::string encoded = EncodePageToken(fingerprint, token);
  FUZZ_CHECK(!encoded.empty(), "empty page token");
  FUZZ_CHECK(encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                       "0123456789-_") == std::string::npos,
             "page token is not URL-safe: " + encoded);
  auto round_trip = DecodePageToken(encoded, fingerprint);
  if (encoded.size() <= 4096) {
    FUZZ_CHECK(round_trip.ok(), "a fresh token does not decode: " + round_trip.status().ToString());
    FUZZ_CHECK(*round_trip == token, "position changed across encode and decode");
    auto other = DecodePageToken(encoded, fingerprint + 1);
    FUZZ_CHECK(!other.ok(), "a fresh token decoded under another query's fingerprint");
    CheckRefusal(other.status());
  } else {
    // Longer than any position the server makes: refused, not decoded.
    FUZZ_CHECK(!round_trip.ok(), "an over-long token decoded");
    CheckRefusal(round_trip.status());
  }
  return 0;
}
