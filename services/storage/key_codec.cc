#include "services/storage/key_codec.h"

namespace meetings::storage {

namespace {

// Appends the low `width` bytes of `value`, most significant first.
void AppendBigEndian(std::string* out, uint64_t value, int width) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  out->append(buf, static_cast<size_t>(width));
}

uint64_t DecodeBigEndian(std::string_view bytes) {
  uint64_t value = 0;
  for (char c : bytes) {
    value = (value << 8) | static_cast<uint8_t>(c);
  }
  return value;
}

constexpr uint32_t kSign32 = uint32_t{1} << 31;
constexpr uint64_t kSign64 = uint64_t{1} << 63;

}  // namespace

void AppendUint8(std::string* out, uint8_t value) {
  out->push_back(static_cast<char>(value));
}

void AppendUint32(std::string* out, uint32_t value) {
  AppendBigEndian(out, value, 4);
}

void AppendUint64(std::string* out, uint64_t value) {
  AppendBigEndian(out, value, 8);
}

void AppendInt32(std::string* out, int32_t value) {
  AppendUint32(out, static_cast<uint32_t>(value) ^ kSign32);
}

void AppendInt64(std::string* out, int64_t value) {
  AppendUint64(out, static_cast<uint64_t>(value) ^ kSign64);
}

void AppendId(std::string* out, std::string_view id) {
  out->append(id);
  out->push_back('\0');
}

bool KeyReader::Take(size_t n, std::string_view* bytes) {
  if (!ok_ || rest_.size() < n) {
    ok_ = false;
    return false;
  }
  *bytes = rest_.substr(0, n);
  rest_.remove_prefix(n);
  return true;
}

bool KeyReader::ReadUint8(uint8_t* value) {
  std::string_view bytes;
  if (!Take(1, &bytes)) return false;
  *value = static_cast<uint8_t>(bytes[0]);
  return true;
}

bool KeyReader::ReadUint32(uint32_t* value) {
  std::string_view bytes;
  if (!Take(4, &bytes)) return false;
  *value = static_cast<uint32_t>(DecodeBigEndian(bytes));
  return true;
}

bool KeyReader::ReadUint64(uint64_t* value) {
  std::string_view bytes;
  if (!Take(8, &bytes)) return false;
  *value = DecodeBigEndian(bytes);
  return true;
}

bool KeyReader::ReadInt32(int32_t* value) {
  uint32_t raw;
  if (!ReadUint32(&raw)) return false;
  // Two's complement conversion is well defined since C++20.
  *value = static_cast<int32_t>(raw ^ kSign32);
  return true;
}

bool KeyReader::ReadInt64(int64_t* value) {
  uint64_t raw;
  if (!ReadUint64(&raw)) return false;
  *value = static_cast<int64_t>(raw ^ kSign64);
  return true;
}

bool KeyReader::ReadId(std::string_view* id) {
  if (!ok_) return false;
  const size_t end = rest_.find('\0');
  if (end == std::string_view::npos) {
    ok_ = false;
    return false;
  }
  *id = rest_.substr(0, end);
  rest_.remove_prefix(end + 1);
  return true;
}

}  // namespace meetings::storage
