// Order-preserving key encodings: the byte order of two encoded keys is the
// order of the values they encode. Integers are fixed-width big-endian;
// signed ones have their sign bit flipped so negatives sort first. Ids are
// written followed by a 0x00 terminator (ids never contain 0x00), so a
// shorter id sorts before its extensions and a prefix scan on one id does
// not match another that starts with it. FORMAT.md draws the layouts.
//
// All functions are pure and thread-safe.
#ifndef MEETINGS_SERVICES_STORAGE_KEY_CODEC_H_
#define MEETINGS_SERVICES_STORAGE_KEY_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace meetings::storage {

void AppendUint8(std::string* out, uint8_t value);
void AppendUint32(std::string* out, uint32_t value);
void AppendUint64(std::string* out, uint64_t value);
// Sign-flipped big-endian: INT32_MIN encodes as 00 00 00 00.
void AppendInt32(std::string* out, int32_t value);
void AppendInt64(std::string* out, int64_t value);
// Appends `id` and a 0x00 terminator. REQUIRES: `id` has no 0x00 byte.
void AppendId(std::string* out, std::string_view id);

// Reads what the Append functions wrote, front to back. Each Read returns
// false (and leaves `*value` unspecified) when the input is too short or
// malformed; once a read fails, the reader stays failed.
class KeyReader {
 public:
  explicit KeyReader(std::string_view input) : rest_(input) {}

  bool ReadUint8(uint8_t* value);
  bool ReadUint32(uint32_t* value);
  bool ReadUint64(uint64_t* value);
  bool ReadInt32(int32_t* value);
  bool ReadInt64(int64_t* value);
  // Reads up to the next 0x00 and consumes it; false when there is none.
  bool ReadId(std::string_view* id);

  // Bytes not read yet.
  std::string_view rest() const { return rest_; }
  // True when every byte was read and no read failed.
  bool done() const { return ok_ && rest_.empty(); }
  bool ok() const { return ok_; }

 private:
  bool Take(size_t n, std::string_view* bytes);

  std::string_view rest_;
  bool ok_ = true;
};

}  // namespace meetings::storage

#endif  // MEETINGS_SERVICES_STORAGE_KEY_CODEC_H_
