#include "services/domain/names.h"

#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/domain/text.h"

namespace meetings::domain {
namespace {

// Debian's abseil is built with its own absl::string_view (not an alias of
// std::string_view), so std::string_view arguments are converted explicitly.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

constexpr size_t kMaxIdLength = 63;
constexpr size_t kGeneratedIdLength = 20;

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

absl::Status ShapeError(std::string_view field, std::string_view expected,
                        std::string_view name) {
  return absl::InvalidArgumentError(absl::StrCat(Sv(field), ": expected ",
                                                 Sv(expected), ", got ",
                                                 QuoteForError(name, 100)));
}

}  // namespace

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  if (!IsLower(id.front())) return false;
  if (id.back() == '-') return false;
  for (char c : id) {
    if (!IsLower(c) && !IsDigit(c) && c != '-') return false;
  }
  return true;
}

absl::Status ValidateId(std::string_view field, std::string_view id) {
  if (id.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(Sv(field), ": required"));
  }
  if (!IsValidId(id)) {
    return absl::InvalidArgumentError(absl::StrCat(
        Sv(field), ": invalid id ", QuoteForError(id, 100),
        "; expected 1 to 63 characters of a-z, 0-9 and '-', starting with a "
        "letter and not ending with '-'"));
  }
  return absl::OkStatus();
}

std::string GenerateId() {
  static constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwxyz";
  static constexpr std::string_view kAlphabet =
      "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local absl::BitGen gen;
  std::string id;
  id.reserve(kGeneratedIdLength);
  id.push_back(kLetters[absl::Uniform<size_t>(gen, 0, kLetters.size())]);
  while (id.size() < kGeneratedIdLength) {
    id.push_back(kAlphabet[absl::Uniform<size_t>(gen, 0, kAlphabet.size())]);
  }
  return id;
}

absl::StatusOr<std::string> ParseName(std::string_view field,
                                      std::string_view name,
                                      std::string_view collection) {
  if (name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(Sv(field), ": required"));
  }
  const std::string expected = absl::StrCat(Sv(collection), "/{id}");
  if (name.size() <= collection.size() + 1 ||
      name.substr(0, collection.size()) != collection ||
      name[collection.size()] != '/') {
    return ShapeError(field, expected, name);
  }
  std::string_view id = name.substr(collection.size() + 1);
  if (!IsValidId(id)) return ShapeError(field, expected, name);
  return std::string(id);
}

absl::StatusOr<DocumentName> ParseDocumentName(std::string_view field,
                                               std::string_view name) {
  if (name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(Sv(field), ": required"));
  }
  const std::string expected =
      absl::StrCat(Sv(kMeetings), "/{id}/", Sv(kDocuments), "/{id}");
  std::vector<std::string_view> parts;
  for (size_t from = 0;;) {
    const size_t slash = name.find('/', from);
    parts.push_back(name.substr(from, slash - from));
    if (slash == std::string_view::npos) break;
    from = slash + 1;
  }
  if (parts.size() != 4 || parts[0] != kMeetings || parts[2] != kDocuments ||
      !IsValidId(parts[1]) || !IsValidId(parts[3])) {
    return ShapeError(field, expected, name);
  }
  return DocumentName{std::string(parts[1]), std::string(parts[3])};
}

std::string FormatName(std::string_view collection, std::string_view id) {
  return absl::StrCat(Sv(collection), "/", Sv(id));
}

std::string FormatDocumentName(std::string_view meeting_id,
                               std::string_view document_id) {
  return absl::StrCat(Sv(kMeetings), "/", Sv(meeting_id), "/", Sv(kDocuments),
                      "/", Sv(document_id));
}

}  // namespace meetings::domain
