#include "services/domain/search_terms.h"

#include <map>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"

#include "unicode/translit.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"

namespace meetings::domain {
namespace {

// One transliterator per thread: ICU transliterators are not thread-safe.
const icu::Transliterator* Folder() {
  thread_local std::unique_ptr<icu::Transliterator> folder = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(
        "NFD; [:Nonspacing Mark:] Remove; Latin-ASCII; Lower; NFC", UTRANS_FORWARD, status));
    return U_SUCCESS(status) ? std::move(t) : nullptr;
  }();
  return folder.get();
}

}  // namespace

std::string FoldForSearch(std::string_view text) {
  icu::UnicodeString unicode =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  if (const icu::Transliterator* folder = Folder()) {
    folder->transliterate(unicode);
  } else {
    unicode.toLower();
  }
  std::string out;
  unicode.toUTF8String(out);
  return out;
}

namespace {

bool IsAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// SearchWords of ASCII text: the folding chain leaves ASCII as it is but for
// lower case, and u_isalnum agrees with isalnum on it.
std::vector<std::string> AsciiWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      word.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::vector<std::string> FoldedWords(std::string_view text) {
  const std::string folded = FoldForSearch(text);
  icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(folded);
  std::vector<std::string> words;
  icu::UnicodeString word;
  auto flush = [&] {
    if (word.isEmpty()) return;
    std::string utf8;
    word.toUTF8String(utf8);
    words.push_back(std::move(utf8));
    word.remove();
  };
  for (int32_t i = 0; i < unicode.length();) {
    const UChar32 c = unicode.char32At(i);
    if (u_isalnum(c)) {
      word.append(c);
    } else {
      flush();
    }
    i += U16_LENGTH(c);
  }
  flush();
  return words;
}

}  // namespace

std::vector<std::string> SearchWords(std::string_view text) {
  if (IsAscii(text)) return AsciiWords(text);
  // The ICU chain costs tens of microseconds per string, and the texts
  // indexed (names of persons, organizations) recur from record to record:
  // a bounded per-thread memo of this pure function, emptied when full.
  constexpr size_t kMaxMemoEntries = 8192;
  constexpr size_t kMaxMemoTextBytes = 256;
  if (text.size() > kMaxMemoTextBytes) return FoldedWords(text);
  thread_local absl::flat_hash_map<std::string, std::vector<std::string>> memo;
  if (auto it = memo.find(absl::string_view(text.data(), text.size())); it != memo.end()) {
    return it->second;
  }
  std::vector<std::string> words = FoldedWords(text);
  if (memo.size() >= kMaxMemoEntries) memo.clear();
  memo.emplace(std::string(text), words);
  return words;
}

void SetSearchTerms(storage::RecordEnvelope* envelope) {
  // word -> weight; a word in several fields keeps its highest weight.
  std::map<std::string, uint32_t> weights;
  auto add = [&](std::string_view text, uint32_t weight) {
    for (auto& w : SearchWords(text)) {
      uint32_t& current = weights[w];
      current = std::max(current, weight);
    }
  };
  switch (envelope->resource_case()) {
    case storage::RecordEnvelope::kOrganization: {
      const auto& o = envelope->organization();
      add(o.display_name(), 3);
      add(o.short_name(), 3);
      for (const auto& n : o.other_names()) add(n, 2);
      break;
    }
    case storage::RecordEnvelope::kPerson: {
      const auto& p = envelope->person();
      add(p.full_name(), 3);
      for (const auto& n : p.other_names()) add(n, 2);
      break;
    }
    case storage::RecordEnvelope::kMeeting: {
      const auto& m = envelope->meeting();
      add(m.title(), 3);
      for (const auto& p : m.participants()) {
        add(p.display_name(), 2);
        if (p.has_group()) add(p.group().description(), 1);
      }
      break;
    }
    case storage::RecordEnvelope::kDocument:
      add(envelope->document().title(), 3);
      break;
    default:
      break;
  }
  envelope->clear_search_terms();
  for (const auto& [term, weight] : weights) {
    // Words longer than an id could be are not worth indexing.
    if (term.size() > 64) continue;
    auto* t = envelope->add_search_terms();
    t->set_term(term);
    t->set_weight(weight);
  }
}

}  // namespace meetings::domain
