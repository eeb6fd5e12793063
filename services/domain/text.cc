#include "services/domain/text.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/utypes.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace meetings::domain {
namespace {

// Debian's abseil is built with its own absl::string_view (not an alias of
// std::string_view), so std::string_view arguments are converted explicitly.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Decodes the well-formed UTF-8 sequence starting at `s[i]` (Unicode 15,
// table 3-7) into `*cp` and returns its length, or 0 when the bytes there
// are ill-formed: a stray continuation byte, an overlong form, a surrogate,
// a code point above U+10FFFF or a truncated sequence.
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t len;
  uint8_t lo = 0x80, hi = 0xBF;  // Allowed range of the second byte.
  char32_t value;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    value = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    value = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // Overlong below U+0800.
    if (b0 == 0xED) hi = 0x9F;  // Surrogates U+D800-U+DFFF.
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    value = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // Overlong below U+10000.
    if (b0 == 0xF4) hi = 0x8F;  // Above U+10FFFF.
  } else {
    return 0;  // 0x80-0xC1 (continuation or overlong lead) or 0xF5-0xFF.
  }
  if (s.size() - i < len) return 0;
  for (size_t k = 1; k < len; ++k) {
    const uint8_t b = byte(i + k);
    const uint8_t min = k == 1 ? lo : 0x80;
    const uint8_t max = k == 1 ? hi : 0xBF;
    if (b < min || b > max) return 0;
    value = (value << 6) | (b & 0x3F);
  }
  *cp = value;
  return len;
}

// Four or more uppercase hex digits, as in "U+001B".
std::string HexCodePoint(char32_t cp) {
  return absl::AsciiStrToUpper(
      absl::StrCat(absl::Hex(static_cast<uint32_t>(cp), absl::kZeroPad4)));
}

bool IsForbiddenControl(char32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r') return false;
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

// Returns the NFC instance. ICU caches it; the pointer is owned by ICU and
// valid for the life of the process.
const icu::Normalizer2* Nfc() {
  static const icu::Normalizer2* const nfc = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
    return U_SUCCESS(status) ? n : nullptr;
  }();
  return nfc;
}

std::string JoinPath(std::string_view path, std::string_view name) {
  if (path.empty()) return std::string(name);
  return absl::StrCat(Sv(path), ".", Sv(name));
}

// The first thing that makes `value` unacceptable before normalization, and
// whether it is all ASCII (meaningful only when there is no problem).
struct TextScan {
  enum class Problem { kNone, kInvalidUtf8, kControl };
  Problem problem = Problem::kNone;
  char32_t control = 0;  // kControl: the character
  bool ascii = true;
};

TextScan ScanText(std::string_view value) {
  TextScan scan;
  for (size_t i = 0; i < value.size();) {
    char32_t cp;
    const size_t len = DecodeUtf8(value, i, &cp);
    if (len == 0) {
      scan.problem = TextScan::Problem::kInvalidUtf8;
      return scan;
    }
    if (IsForbiddenControl(cp)) {
      scan.problem = TextScan::Problem::kControl;
      scan.control = cp;
      return scan;
    }
    if (len > 1) scan.ascii = false;
    i += len;
  }
  return scan;
}

// Whether NormalizeText would return `value` unchanged and no error.
bool AlreadyNormalText(std::string_view value, size_t max_bytes) {
  if (value.size() > max_bytes) return false;
  const TextScan scan = ScanText(value);
  if (scan.problem != TextScan::Problem::kNone) return false;
  if (scan.ascii) return true;
  const icu::Normalizer2* nfc = Nfc();
  if (nfc == nullptr) return false;
  UErrorCode status = U_ZERO_ERROR;
  const bool normalized = nfc->isNormalizedUTF8(
      icu::StringPiece(value.data(), static_cast<int32_t>(value.size())), status);
  return normalized && U_SUCCESS(status);
}

class StringNormalizer {
 public:
  explicit StringNormalizer(const TextLimits& limits) : limits_(limits) {}

  // Whether Walk would change nothing and fail nothing. It reads the same
  // fields but builds no field paths: valid input is the common case, and
  // a path string per field (a meeting has a thousand) is only needed for
  // an error message.
  bool AlreadyNormal(const Message& message) const {
    const Reflection* reflection = message.GetReflection();
    std::vector<const FieldDescriptor*> fields;
    reflection->ListFields(message, &fields);
    std::string scratch;
    for (const FieldDescriptor* field : fields) {
      if (field->is_repeated()) {
        if (!CountWithinLimit(message, field)) return false;
        const int size = reflection->FieldSize(message, field);
        if (field->is_map()) {
          const Descriptor* entry_type = field->message_type();
          const FieldDescriptor* key_field = entry_type->map_key();
          const FieldDescriptor* value_field = entry_type->map_value();
          for (int i = 0; i < size; ++i) {
            const Message& entry = reflection->GetRepeatedMessage(message, field, i);
            const Reflection* r = entry.GetReflection();
            if (key_field->type() == FieldDescriptor::TYPE_STRING &&
                !AlreadyNormalText(r->GetStringReference(entry, key_field, &scratch),
                                   MaxBytes(key_field, field))) {
              return false;
            }
            if (value_field->type() == FieldDescriptor::TYPE_STRING &&
                !AlreadyNormalText(r->GetStringReference(entry, value_field, &scratch),
                                   MaxBytes(value_field, field))) {
              return false;
            }
            if (value_field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
                r->HasField(entry, value_field) &&
                !AlreadyNormal(r->GetMessage(entry, value_field))) {
              return false;
            }
          }
        } else if (field->type() == FieldDescriptor::TYPE_STRING) {
          const size_t max_bytes = MaxBytes(field, nullptr);
          for (int i = 0; i < size; ++i) {
            if (!AlreadyNormalText(
                    reflection->GetRepeatedStringReference(message, field, i, &scratch),
                    max_bytes)) {
              return false;
            }
          }
        } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          for (int i = 0; i < size; ++i) {
            if (!AlreadyNormal(reflection->GetRepeatedMessage(message, field, i))) {
              return false;
            }
          }
        }
      } else if (field->type() == FieldDescriptor::TYPE_STRING) {
        if (!AlreadyNormalText(reflection->GetStringReference(message, field, &scratch),
                               MaxBytes(field, nullptr))) {
          return false;
        }
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        if (!AlreadyNormal(reflection->GetMessage(message, field))) return false;
      }
    }
    return true;
  }

  absl::Status Walk(Message* message, std::string_view path) const {
    const Reflection* reflection = message->GetReflection();
    std::vector<const FieldDescriptor*> fields;
    reflection->ListFields(*message, &fields);
    for (const FieldDescriptor* field : fields) {
      const std::string field_path = JoinPath(path, field->name());
      absl::Status status;
      if (field->is_map()) {
        status = WalkMap(message, field, field_path);
      } else if (field->is_repeated()) {
        status = WalkRepeated(message, field, field_path);
      } else if (field->type() == FieldDescriptor::TYPE_STRING) {
        std::string scratch;
        const std::string& value =
            reflection->GetStringReference(*message, field, &scratch);
        absl::StatusOr<std::string> normalized =
            NormalizeText(field_path, value, MaxBytes(field, nullptr));
        if (!normalized.ok()) return normalized.status();
        if (*normalized != value) {
          reflection->SetString(message, field, *std::move(normalized));
        }
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        status = Walk(reflection->MutableMessage(message, field), field_path);
      }
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }

 private:
  size_t MaxBytes(const FieldDescriptor* field,
                  const FieldDescriptor* map_field) const {
    auto it = limits_.max_bytes_by_field.find(field->full_name());
    if (it != limits_.max_bytes_by_field.end()) return it->second;
    if (map_field != nullptr) {
      it = limits_.max_bytes_by_field.find(map_field->full_name());
      if (it != limits_.max_bytes_by_field.end()) return it->second;
    }
    return limits_.default_max_bytes;
  }

  size_t MaxCount(const FieldDescriptor* field) const {
    auto it = limits_.max_repeated_by_field.find(field->full_name());
    return it != limits_.max_repeated_by_field.end() ? it->second
                                                     : limits_.default_max_repeated;
  }

  bool CountWithinLimit(const Message& message, const FieldDescriptor* field) const {
    return static_cast<size_t>(message.GetReflection()->FieldSize(message, field)) <=
           MaxCount(field);
  }

  absl::Status CheckCount(const Message& message, const FieldDescriptor* field,
                          const std::string& field_path) const {
    const size_t max = MaxCount(field);
    const int size = message.GetReflection()->FieldSize(message, field);
    if (static_cast<size_t>(size) > max) {
      return absl::InvalidArgumentError(
          absl::StrCat(field_path, ": more than ", max, " elements"));
    }
    return absl::OkStatus();
  }

  absl::Status WalkRepeated(Message* message, const FieldDescriptor* field,
                            const std::string& field_path) const {
    if (absl::Status s = CheckCount(*message, field, field_path); !s.ok()) {
      return s;
    }
    const Reflection* reflection = message->GetReflection();
    const int size = reflection->FieldSize(*message, field);
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      const size_t max_bytes = MaxBytes(field, nullptr);
      std::string scratch;
      for (int i = 0; i < size; ++i) {
        const std::string& value = reflection->GetRepeatedStringReference(
            *message, field, i, &scratch);
        absl::StatusOr<std::string> normalized = NormalizeText(
            absl::StrCat(field_path, "[", i, "]"), value, max_bytes);
        if (!normalized.ok()) return normalized.status();
        if (*normalized != value) {
          reflection->SetRepeatedString(message, field, i,
                                        *std::move(normalized));
        }
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      for (int i = 0; i < size; ++i) {
        absl::Status s =
            Walk(reflection->MutableRepeatedMessage(message, field, i),
                 absl::StrCat(field_path, "[", i, "]"));
        if (!s.ok()) return s;
      }
    }
    return absl::OkStatus();
  }

  // Map entries are walked through the map's repeated-message view, the
  // generic reflection interface for maps.
  absl::Status WalkMap(Message* message, const FieldDescriptor* field,
                       const std::string& field_path) const {
    if (absl::Status s = CheckCount(*message, field, field_path); !s.ok()) {
      return s;
    }
    const Reflection* reflection = message->GetReflection();
    const Descriptor* entry_type = field->message_type();
    const FieldDescriptor* key_field = entry_type->map_key();
    const FieldDescriptor* value_field = entry_type->map_value();
    const bool string_key = key_field->type() == FieldDescriptor::TYPE_STRING;
    const bool string_value =
        value_field->type() == FieldDescriptor::TYPE_STRING;
    const bool message_value =
        value_field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (!string_key && !string_value && !message_value) {
      return absl::OkStatus();
    }
    absl::flat_hash_set<std::string> seen_keys;
    const int size = reflection->FieldSize(*message, field);
    for (int i = 0; i < size; ++i) {
      const Message& entry = reflection->GetRepeatedMessage(*message, field, i);
      const Reflection* entry_reflection = entry.GetReflection();

      std::string key_text;
      std::optional<std::string> new_key;
      if (string_key) {
        const std::string key = entry_reflection->GetString(entry, key_field);
        absl::StatusOr<std::string> normalized =
            NormalizeText(absl::StrCat(field_path, " key ", QuoteForError(key)),
                          key, MaxBytes(key_field, field));
        if (!normalized.ok()) return normalized.status();
        key_text = QuoteForError(*normalized);
        if (!seen_keys.insert(*normalized).second) {
          return absl::InvalidArgumentError(
              absl::StrCat(field_path, ": duplicate key ", key_text,
                           " after NFC normalization"));
        }
        if (*normalized != key) new_key = *std::move(normalized);
      } else {
        key_text = ScalarKeyText(entry, key_field);
      }
      const std::string element_path =
          absl::StrCat(field_path, "[", key_text, "]");

      std::optional<std::string> new_value;
      if (string_value) {
        const std::string value =
            entry_reflection->GetString(entry, value_field);
        absl::StatusOr<std::string> normalized =
            NormalizeText(element_path, value, MaxBytes(value_field, field));
        if (!normalized.ok()) return normalized.status();
        if (*normalized != value) new_value = *std::move(normalized);
      }

      if (new_key.has_value() || new_value.has_value() || message_value) {
        Message* mutable_entry =
            reflection->MutableRepeatedMessage(message, field, i);
        if (new_key.has_value()) {
          entry_reflection->SetString(mutable_entry, key_field,
                                      *std::move(new_key));
        }
        if (new_value.has_value()) {
          entry_reflection->SetString(mutable_entry, value_field,
                                      *std::move(new_value));
        }
        if (message_value &&
            entry_reflection->HasField(*mutable_entry, value_field)) {
          absl::Status s =
              Walk(entry_reflection->MutableMessage(mutable_entry, value_field),
                   element_path);
          if (!s.ok()) return s;
        }
      }
    }
    return absl::OkStatus();
  }

  static std::string ScalarKeyText(const Message& entry,
                                   const FieldDescriptor* key_field) {
    const Reflection* r = entry.GetReflection();
    switch (key_field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        return absl::StrCat(r->GetInt32(entry, key_field));
      case FieldDescriptor::CPPTYPE_INT64:
        return absl::StrCat(r->GetInt64(entry, key_field));
      case FieldDescriptor::CPPTYPE_UINT32:
        return absl::StrCat(r->GetUInt32(entry, key_field));
      case FieldDescriptor::CPPTYPE_UINT64:
        return absl::StrCat(r->GetUInt64(entry, key_field));
      case FieldDescriptor::CPPTYPE_BOOL:
        return r->GetBool(entry, key_field) ? "true" : "false";
      case FieldDescriptor::CPPTYPE_STRING:  // bytes keys.
        return QuoteForError(r->GetString(entry, key_field));
      default:
        return "?";
    }
  }

  const TextLimits& limits_;
};

}  // namespace

absl::StatusOr<std::string> NormalizeText(std::string_view field,
                                          std::string_view value,
                                          size_t max_bytes) {
  if (value.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    // Beyond what ICU's int32_t lengths can address, and beyond any limit.
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(field), ": longer than ", max_bytes, " bytes"));
  }
  const TextScan scan = ScanText(value);
  switch (scan.problem) {
    case TextScan::Problem::kInvalidUtf8:
      return absl::InvalidArgumentError(absl::StrCat(Sv(field), ": not valid UTF-8"));
    case TextScan::Problem::kControl:
      return absl::InvalidArgumentError(absl::StrCat(
          Sv(field), ": contains control character U+", HexCodePoint(scan.control)));
    case TextScan::Problem::kNone:
      break;
  }

  std::string result;
  if (scan.ascii) {
    result.assign(value);  // ASCII is always in NFC.
  } else {
    const icu::Normalizer2* nfc = Nfc();
    if (nfc == nullptr) {
      return absl::InternalError("ICU NFC normalizer is unavailable");
    }
    const icu::StringPiece piece(value.data(),
                                 static_cast<int32_t>(value.size()));
    UErrorCode status = U_ZERO_ERROR;
    if (nfc->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) {
      result.assign(value);
    } else {
      status = U_ZERO_ERROR;
      icu::StringByteSink<std::string> sink(&result, value.size());
      nfc->normalizeUTF8(0, piece, sink, nullptr, status);
      if (U_FAILURE(status)) {
        return absl::InternalError(absl::StrCat(
            Sv(field), ": NFC normalization failed: ", u_errorName(status)));
      }
    }
  }
  if (result.size() > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(field), ": longer than ", max_bytes, " bytes"));
  }
  return result;
}

std::string QuoteForError(std::string_view value, size_t max_bytes) {
  bool valid = true;
  for (size_t i = 0; i < value.size();) {
    char32_t cp;
    const size_t len = DecodeUtf8(value, i, &cp);
    if (len == 0) {
      valid = false;
      break;
    }
    i += len;
  }

  const bool cut = value.size() > max_bytes;
  std::string_view shown = value.substr(0, max_bytes);
  if (valid && cut) {
    // Back off to a character boundary.
    size_t end = shown.size();
    while (end > 0 && (static_cast<uint8_t>(value[end]) & 0xC0) == 0x80) {
      --end;
    }
    shown = shown.substr(0, end);
  }

  std::string out = "\"";
  if (!valid) {
    absl::StrAppend(&out, absl::CHexEscape(Sv(shown)));
  } else {
    for (size_t i = 0; i < shown.size();) {
      char32_t cp;
      const size_t len = DecodeUtf8(shown, i, &cp);
      if (cp == '"') {
        out += "\\\"";
      } else if (cp == '\\') {
        out += "\\\\";
      } else if (cp == '\n') {
        out += "\\n";
      } else if (cp == '\r') {
        out += "\\r";
      } else if (cp == '\t') {
        out += "\\t";
      } else if (IsForbiddenControl(cp)) {
        absl::StrAppend(&out, "\\u", HexCodePoint(cp));
      } else {
        out.append(shown.substr(i, len));
      }
      i += len;
    }
  }
  out += "\"";
  if (cut) out += "...";
  return out;
}

absl::Status NormalizeStrings(google::protobuf::Message* message,
                              std::string_view path, const TextLimits& limits) {
  const StringNormalizer normalizer(limits);
  if (normalizer.AlreadyNormal(*message)) return absl::OkStatus();
  return normalizer.Walk(message, path);
}

}  // namespace meetings::domain
