// A latency histogram in the style of HdrHistogram: log-linear buckets with
// 64 sub-buckets per power of two, so any recorded value is known to within
// 1/64 (1.6%) of itself, over the whole uint64 range, in a fixed 30 KiB array.
#ifndef MEETINGS_TESTS_BENCH_HISTOGRAM_H_
#define MEETINGS_TESTS_BENCH_HISTOGRAM_H_

#include <array>
#include <bit>
#include <cstdint>

namespace meetings::bench {

// Thread-compatible: one writer at a time; merge per-thread histograms with
// Add() once the writers are done.
class LatencyHistogram {
 public:
  // Records one value in nanoseconds (negative values count as 0).
  void Record(int64_t nanos) {
    const uint64_t v = nanos < 0 ? 0 : static_cast<uint64_t>(nanos);
    ++counts_[Index(v)];
    ++total_;
    sum_ += v;
    if (v > max_) max_ = v;
  }

  void Add(const LatencyHistogram& other) {
    for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
    sum_ += other.sum_;
    if (other.max_ > max_) max_ = other.max_;
  }

  uint64_t count() const { return total_; }
  double mean_nanos() const { return total_ == 0 ? 0 : static_cast<double>(sum_) / total_; }
  uint64_t max_nanos() const { return max_; }

  // The value at quantile q in [0, 1] (the middle of its bucket), in
  // nanoseconds; 0 when empty.
  double Quantile(double q) const {
    if (total_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(total_));
    if (rank >= total_) rank = total_ - 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen > rank) {
        const double lower = static_cast<double>(LowerBound(i));
        const double upper =
            i + 1 < kBuckets ? static_cast<double>(LowerBound(i + 1)) : static_cast<double>(max_);
        const double mid = (lower + upper) / 2;
        return mid > static_cast<double>(max_) ? static_cast<double>(max_) : mid;
      }
    }
    return static_cast<double>(max_);
  }

 private:
  static constexpr int kSubBits = 6;  // 64 sub-buckets per power of two
  static constexpr uint64_t kSub = 1ULL << kSubBits;
  // Highest index: a value with bit 63 set, shift 57, is 57 * 64 + 127.
  static constexpr size_t kBuckets = (64 - kSubBits + 1) * kSub;

  // Values below 128 get a bucket each. A larger value whose highest set bit
  // is b goes to row shift = b - 6, by its 7 top bits (64..127): index
  // shift * 64 + (v >> shift), which continues 127 without a gap.
  static size_t Index(uint64_t v) {
    if (v < 2 * kSub) return static_cast<size_t>(v);
    const int shift = (63 - std::countl_zero(v)) - kSubBits;
    return static_cast<size_t>(shift) * kSub + static_cast<size_t>(v >> shift);
  }
  // The smallest value of bucket `index` (inverse of Index()).
  static uint64_t LowerBound(size_t index) {
    if (index < 2 * kSub) return index;
    const size_t shift = index / kSub - 1;
    const uint64_t top = index % kSub + kSub;
    return top << shift;
  }

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t total_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
};

}  // namespace meetings::bench

#endif  // MEETINGS_TESTS_BENCH_HISTOGRAM_H_
