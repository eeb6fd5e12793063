#include "services/domain/page_token.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"

namespace meetings::domain {
namespace {

// Debian's abseil is built with its own absl::string_view (not an alias of
// std::string_view), so std::string_view arguments are converted explicitly.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

constexpr uint8_t kTokenVersion = 1;
constexpr size_t kHeaderSize = 1 + 8;  // Version and fingerprint.
constexpr size_t kCheckSize = 4;
// Tokens longer than this are rejected before decoding. Positions are keys
// of a few hundred bytes at most.
constexpr size_t kMaxTokenLength = 4096;

void AppendBigEndian(std::string* out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out->push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  }
}

uint64_t ReadBigEndian(std::string_view in, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    value = (value << 8) | static_cast<uint8_t>(in[i]);
  }
  return value;
}

// The low 32 bits of FNV-1a 64 are themselves an FNV-style chain (low bits
// of a product depend only on low bits of its factors), so any change of a
// single byte of `bytes` changes the check.
uint32_t Check(std::string_view bytes) {
  return static_cast<uint32_t>(Fingerprint64(bytes));
}

absl::Status Malformed() {
  return absl::InvalidArgumentError("page_token: malformed");
}

}  // namespace

uint64_t Fingerprint64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string EncodePageToken(uint64_t query_fingerprint,
                            std::string_view position) {
  std::string raw;
  raw.reserve(kHeaderSize + position.size() + kCheckSize);
  raw.push_back(static_cast<char>(kTokenVersion));
  AppendBigEndian(&raw, query_fingerprint, 8);
  raw.append(position);
  AppendBigEndian(&raw, Check(raw), 4);
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::string> DecodePageToken(std::string_view token,
                                            uint64_t query_fingerprint) {
  if (token.empty() || token.size() > kMaxTokenLength) return Malformed();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(Sv(token), &raw)) return Malformed();
  // Only the canonical encoding is accepted: no padding, no stray bits in
  // the last character, so every token has exactly one spelling.
  if (absl::WebSafeBase64Escape(raw) != token) return Malformed();
  if (raw.size() < kHeaderSize + kCheckSize) return Malformed();
  if (static_cast<uint8_t>(raw[0]) != kTokenVersion) return Malformed();

  const std::string_view all(raw);
  const std::string_view body = all.substr(0, all.size() - kCheckSize);
  const uint32_t check =
      static_cast<uint32_t>(ReadBigEndian(all.substr(body.size()), 4));
  if (check != Check(body)) return Malformed();

  if (ReadBigEndian(body.substr(1), 8) != query_fingerprint) {
    return absl::InvalidArgumentError(
        "page_token: does not belong to this query (the request's other "
        "fields changed)");
  }
  return std::string(body.substr(kHeaderSize));
}

}  // namespace meetings::domain
