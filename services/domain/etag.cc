#include "services/domain/etag.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/domain/page_token.h"
#include "services/domain/text.h"

namespace meetings::domain {
namespace {

// Debian's abseil is built with its own absl::string_view (not an alias of
// std::string_view), so std::string_view arguments are converted explicitly.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace

std::string MakeEtag(std::string_view uid, uint64_t revision) {
  std::string bytes(uid);
  bytes.push_back('\0');
  for (int i = 7; i >= 0; --i) {
    bytes.push_back(static_cast<char>((revision >> (8 * i)) & 0xFF));
  }
  return absl::StrCat(absl::Hex(Fingerprint64(bytes), absl::kZeroPad16));
}

absl::Status CheckEtag(std::string_view field, std::string_view given,
                       std::string_view stored) {
  if (given.empty() || given == stored) return absl::OkStatus();
  return absl::AbortedError(
      absl::StrCat(Sv(field), ": etag ", QuoteForError(given, 100),
                   " is stale; the current etag is ",
                   QuoteForError(stored, 100), "; re-read and retry"));
}

}  // namespace meetings::domain
