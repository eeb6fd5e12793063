// Folding and tokenizing text for diacritic- and case-insensitive search:
// "Nguyễn Khắc Hào" and "nguyen khac hao" fold to the same words, and so do
// "Đặng" and "dang". ICU does the Unicode work (NFD, remove nonspacing
// marks, Latin-ASCII for đ/Đ, lower case).
#ifndef MEETINGS_SERVICES_DOMAIN_SEARCH_TERMS_H_
#define MEETINGS_SERVICES_DOMAIN_SEARCH_TERMS_H_

#include <string>
#include <string_view>
#include <vector>

#include "services/storage/record_envelope.pb.h"

namespace meetings::domain {

// Returns `text` folded: diacritics removed, đ -> d, lower case. Thread-safe.
std::string FoldForSearch(std::string_view text);

// Splits folded text into words: maximal runs of letters and digits.
// Pure, thread-safe.
std::vector<std::string> SearchWords(std::string_view text);

// Replaces envelope->search_terms with the words of the record's titles and
// names: meeting title and participants' names, organization names, person
// names, document title. Titles and names weigh 3, other names 2.
void SetSearchTerms(storage::RecordEnvelope* envelope);

}  // namespace meetings::domain

#endif  // MEETINGS_SERVICES_DOMAIN_SEARCH_TERMS_H_
