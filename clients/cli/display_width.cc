#include "clients/cli/display_width.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdint>

namespace meetings::cli {
namespace {

// Decodes the code point at `*i` and advances past it (U+FFFD on bad input).
UChar32 Next(std::string_view s, int32_t* i) {
  UChar32 c = 0;
  const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
  U8_NEXT(bytes, *i, static_cast<int32_t>(s.size()), c);
  return c < 0 ? 0xFFFD : c;
}

}  // namespace

int CodePointWidth(int c) {
  if (c < 0x20 || (c >= 0x7F && c < 0xA0)) return 0;
  const uint32_t category = U_GET_GC_MASK(c);
  if (category & (U_GC_MN_MASK | U_GC_ME_MASK | U_GC_CF_MASK)) return 0;
  // Hangul jamo vowels and trailing consonants join the preceding syllable.
  if (c >= 0x1160 && c <= 0x11FF) return 0;
  const int east_asian = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
  if (east_asian == U_EA_WIDE || east_asian == U_EA_FULLWIDTH) return 2;
  return 1;
}

int DisplayWidth(std::string_view utf8) {
  int width = 0;
  for (int32_t i = 0; i < static_cast<int32_t>(utf8.size());) width += CodePointWidth(Next(utf8, &i));
  return width;
}

std::string TruncateToWidth(std::string_view utf8, int max_width) {
  if (DisplayWidth(utf8) <= max_width) return std::string(utf8);
  static constexpr std::string_view kEllipsis = "\u2026";
  const int budget = max_width - 1;  // the ellipsis takes one column
  int width = 0;
  int32_t end = 0;
  for (int32_t i = 0; i < static_cast<int32_t>(utf8.size());) {
    int32_t next = i;
    const int w = CodePointWidth(Next(utf8, &next));
    if (width + w > budget) break;
    width += w;
    i = next;
    end = next;
  }
  std::string out(utf8.substr(0, static_cast<size_t>(end)));
  out += kEllipsis;
  return out;
}

}  // namespace meetings::cli
