// Shared pieces of the libFuzzer targets: a property check that aborts (so
// libFuzzer records the input as a crash), a reference resolver that accepts
// every well-formed name, an in-memory KvStore, and the status-code sets
// each layer promises.
//
// Fuzz targets are not integration tests: the in-memory store below stands
// in for RocksDB only so that one input runs in microseconds. Everything
// above the KvStore seam is the production code.
#ifndef MEETINGS_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define MEETINGS_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "google/protobuf/stubs/logging.h"
#include "services/domain/names.h"
#include "services/domain/validation.h"
#include "services/storage/kv_store.h"
#include "services/storage/tables.h"

// Aborts with `what` when `condition` is false: libFuzzer then saves the
// input as crash-<sha1> and the run fails.
#define FUZZ_CHECK(condition, what)                                            \
  do {                                                                         \
    if (!(condition)) {                                                        \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s\n  %s\n", __FILE__, \
                   __LINE__, #condition, std::string(what).c_str());           \
      std::abort();                                                            \
    }                                                                          \
  } while (0)

namespace meetings::fuzz {

// Protobuf logs an ERROR for every proto3 string with invalid UTF-8 it
// refuses to parse; at thousands of inputs a second that only slows the
// fuzzer down. Call once from LLVMFuzzerInitialize.
inline void SilenceProtobufLogging() { google::protobuf::SetLogHandler(nullptr); }

// True when `status` has one of `codes`.
inline bool CodeIn(const absl::Status& status,
                   std::initializer_list<absl::StatusCode> codes) {
  for (absl::StatusCode code : codes) {
    if (status.code() == code) return true;
  }
  return false;
}

inline std::string Describe(const absl::Status& status) { return status.ToString(); }

// A ReferenceResolver for pure validation: every well-formed name of the
// right collection exists, so validation runs past the reference checks.
// Returns OK or INVALID_ARGUMENT, like the production resolver's parsing.
inline absl::Status AcceptWellFormedNames(std::string_view field, std::string_view name,
                                          std::string_view collection) {
  return domain::ParseName(field, name, collection).status();
}

// A KvStore over one std::map per table. Not thread-safe (a fuzz target
// runs one input at a time on one thread); ordering and range semantics
// follow KvStore exactly, so the record store above it behaves as on
// RocksDB.
class MemoryKvStore final : public storage::KvStore {
 public:
  using Table = storage::Table;

  absl::StatusOr<std::optional<std::string>> Get(Table table, std::string_view key) override {
    const auto& rows = tables_[Index(table)];
    auto it = rows.find(std::string(key));
    if (it == rows.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  std::unique_ptr<storage::KvIterator> Scan(Table table,
                                            const storage::ScanRange& range) override {
    return std::make_unique<Iterator>(&tables_[Index(table)], range, this);
  }

  absl::Status Write(const storage::KvBatch& batch, const storage::WriteOptions&) override {
    for (const auto& op : batch.ops()) {
      auto& rows = tables_[Index(op.table)];
      if (op.value) {
        rows[op.key] = *op.value;
      } else {
        rows.erase(op.key);
      }
    }
    return absl::OkStatus();
  }

  // A copy of every table, for a fresh store per fuzz input.
  std::unique_ptr<MemoryKvStore> Clone() const {
    auto copy = std::make_unique<MemoryKvStore>();
    for (size_t i = 0; i < storage::kTables.size(); ++i) copy->tables_[i] = tables_[i];
    return copy;
  }
  void Delete(Table table, const std::string& key) { tables_[Index(table)].erase(key); }

  // Every row, for writing seed corpora.
  const std::map<std::string, std::string>& rows(Table table) const {
    return tables_[Index(table)];
  }
  void Put(Table table, std::string key, std::string value) {
    tables_[Index(table)][std::move(key)] = std::move(value);
  }

 private:
  using Rows = std::map<std::string, std::string>;

  static size_t Index(Table table) { return static_cast<size_t>(table) % storage::kTables.size(); }

  class Iterator final : public storage::KvIterator {
   public:
    Iterator(const Rows* rows, storage::ScanRange range, MemoryKvStore* store)
        : rows_(rows), range_(std::move(range)), store_(store) {
      if (!range_.reverse) {
        it_ = rows_->lower_bound(range_.lower);
      } else {
        it_ = range_.upper.empty() ? rows_->end() : rows_->lower_bound(range_.upper);
        // Step onto the greatest key below upper (or nothing).
        if (it_ == rows_->begin()) {
          valid_ = false;
          return;
        }
        --it_;
      }
      Settle();
    }
    bool Valid() const override { return valid_; }
    void Next() override {
      if (!range_.reverse) {
        ++it_;
      } else if (it_ == rows_->begin()) {
        valid_ = false;
        return;
      } else {
        --it_;
      }
      Settle();
    }
    std::string_view key() const override { return it_->first; }
    std::string_view value() const override { return it_->second; }
    absl::Status status() const override { return absl::OkStatus(); }

   private:
    void Settle() {
      valid_ = it_ != rows_->end() && it_->first >= range_.lower &&
               (range_.upper.empty() || it_->first < range_.upper);
      if (valid_) store_->Counted();
    }
    const Rows* rows_;
    const storage::ScanRange range_;
    MemoryKvStore* store_;
    Rows::const_iterator it_;
    bool valid_ = true;
  };

  void Counted() { CountScanned(); }

  Rows tables_[storage::kTables.size()];
};

}  // namespace meetings::fuzz

#endif  // MEETINGS_TESTS_FUZZ_FUZZ_SUPPORT_H_
