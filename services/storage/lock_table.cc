#include "services/storage/lock_table.h"

#include <algorithm>
#include <utility>

namespace meetings::storage {

namespace {

// 64-bit FNV-1a: simple, stable across runs, good enough to spread keys.
uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (char c : bytes) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace

LockTable::Guard::Guard(Guard&& other) noexcept
    : table_(std::exchange(other.table_, nullptr)),
      stripes_(std::move(other.stripes_)) {
  other.stripes_.clear();
}

LockTable::Guard& LockTable::Guard::operator=(Guard&& other) noexcept {
  if (this != &other) {
    Release();
    table_ = std::exchange(other.table_, nullptr);
    stripes_ = std::move(other.stripes_);
    other.stripes_.clear();
  }
  return *this;
}

LockTable::Guard::~Guard() { Release(); }

void LockTable::Guard::Release() {
  if (table_ != nullptr) {
    table_->Unlock(stripes_);
    table_ = nullptr;
  }
  stripes_.clear();
}

LockTable::LockTable(size_t num_stripes)
    : num_stripes_(std::max<size_t>(num_stripes, 1)),
      stripes_(new Mutex[num_stripes_]) {}

LockTable::~LockTable() = default;

size_t LockTable::StripeOf(std::string_view key) const {
  return static_cast<size_t>(Fnv1a64(key) % num_stripes_);
}

LockTable::Guard LockTable::Lock(absl::Span<const std::string_view> keys)
    ABSL_NO_THREAD_SAFETY_ANALYSIS {
  std::vector<uint32_t> stripes;
  stripes.reserve(keys.size());
  for (std::string_view key : keys) {
    stripes.push_back(static_cast<uint32_t>(StripeOf(key)));
  }
  // One global order (ascending stripe index) for every caller rules out
  // lock-order cycles; deduping avoids locking a stripe twice.
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  for (uint32_t stripe : stripes) stripes_[stripe].Lock();
  return Guard(this, std::move(stripes));
}

void LockTable::Unlock(const std::vector<uint32_t>& stripes)
    ABSL_NO_THREAD_SAFETY_ANALYSIS {
  for (auto it = stripes.rbegin(); it != stripes.rend(); ++it) {
    stripes_[*it].Unlock();
  }
}

}  // namespace meetings::storage
