// Terminal display width of UTF-8 text, for aligning table columns: East
// Asian wide and fullwidth characters take two columns, combining marks and
// format characters none, everything else one. Vietnamese text takes one
// column per letter whether its diacritics are precomposed (NFC) or
// combining (NFD).
#ifndef MEETINGS_CLIENTS_CLI_DISPLAY_WIDTH_H_
#define MEETINGS_CLIENTS_CLI_DISPLAY_WIDTH_H_

#include <string>
#include <string_view>

namespace meetings::cli {

// Columns a terminal uses for the code point `c` (a UChar32): 0 for C0/C1
// controls, nonspacing and enclosing marks (U_GC_MN, U_GC_ME), format
// characters (U_GC_CF, e.g. ZERO WIDTH JOINER) and Hangul medial/final jamo;
// 2 for UCHAR_EAST_ASIAN_WIDTH Wide or Fullwidth; 1 otherwise.
int CodePointWidth(int c);

// Sum of CodePointWidth over the code points of `utf8`; an invalid byte
// sequence counts as one U+FFFD (width 1). Thread-safe.
int DisplayWidth(std::string_view utf8);

// `utf8` cut to at most `max_width` columns, ending in "…" when cut; never
// splits a code point and keeps combining marks with their base.
// REQUIRES: max_width >= 1.
std::string TruncateToWidth(std::string_view utf8, int max_width);

}  // namespace meetings::cli

#endif  // MEETINGS_CLIENTS_CLI_DISPLAY_WIDTH_H_
