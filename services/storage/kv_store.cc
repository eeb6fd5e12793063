#include "services/storage/kv_store.h"

namespace meetings::storage {

std::string PrefixSuccessor(std::string_view prefix) {
  std::string result(prefix);
  // Drop trailing 0xff bytes (they cannot be incremented), then increment the
  // last remaining byte: every key starting with `prefix` sorts below it.
  while (!result.empty() && static_cast<uint8_t>(result.back()) == 0xff) {
    result.pop_back();
  }
  if (!result.empty()) {
    result.back() = static_cast<char>(static_cast<uint8_t>(result.back()) + 1);
  }
  return result;
}

}  // namespace meetings::storage
