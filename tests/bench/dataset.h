// A deterministic, seeded generator of meeting records for the benchmarks:
// a national union, 63 provincial unions with real province names, member
// associations under them, persons with Vietnamese names and academic titles,
// and meetings with sites, 10-200 participants and 1-5 documents.
//
// Every record is a pure function of (options, kind, index): record i is
// generated from its own random stream, so any record can be produced alone,
// in any order, on any thread, and equal options give byte-identical records
// on every platform (no std:: distributions, whose results are
// implementation-defined). The load generator, the bulk loader and the
// PostgreSQL TSV writer all call this code, so they agree on ids and query
// parameters.
//
// Density is kept constant as the size grows (about `meetings_per_day`
// meetings on each local day, about 10 meetings per person on average... see
// DatasetOptions), so that every List query returns a full page at every size
// and a scaling curve shows the cost of the index size alone.
#ifndef MEETINGS_TESTS_BENCH_DATASET_H_
#define MEETINGS_TESTS_BENCH_DATASET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "meetings/v1/resources.pb.h"

namespace meetings::bench {

struct DatasetOptions {
  // Default 20211115. Equal seeds (with equal other options) give equal data.
  uint64_t seed = 20211115;
  // Default 10000: number of meetings (ids m0 .. m{meetings-1}).
  int64_t meetings = 10000;
  // Default 100: meetings per local day on average; the data spans
  // ceil(meetings / meetings_per_day) days ending on 2024-12-31.
  int meetings_per_day = 100;
  // Default 10: meetings per person, i.e. persons = meetings / 10, but at
  // least `min_persons`. A person then takes part in about
  // 10 * 105 = 1050 meetings at any size.
  int meetings_per_person = 10;
  // Default 2000: the smallest person pool (keeps tiny data sets sane: a
  // meeting needs up to 200 distinct persons).
  int64_t min_persons = 2000;
};

// One generated meeting with its documents, as sent through the API.
struct GeneratedMeeting {
  std::string id;  // "m<index>"
  meetings::v1::Meeting meeting;          // name and output-only fields unset
  std::vector<std::string> document_ids;  // "d1".."d5", parallel to documents
  std::vector<meetings::v1::Document> documents;
};

// Thread-safe: every method is const and pure.
class Dataset {
 public:
  // The provinces and centrally governed cities (63), in the order of their
  // provincial unions' indexes.
  static const std::vector<std::string>& Provinces();

  explicit Dataset(DatasetOptions options);

  const DatasetOptions& options() const { return options_; }
  int64_t num_meetings() const { return options_.meetings; }
  int64_t num_persons() const { return num_persons_; }
  int num_organizations() const { return static_cast<int>(organizations_.size()); }
  // Days the meetings span, from first_day() through first_day() + num_days() - 1.
  int num_days() const { return num_days_; }
  absl::CivilDay first_day() const { return first_day_; }

  // Organizations: index 0 is the national union, 1..63 the provincial
  // unions (in Provinces() order), then national member associations, then
  // provincial member associations. A parent always has a smaller index.
  // Returns the organization with `name` unset; its parent is set as a
  // resource name. REQUIRES: 0 <= index < num_organizations().
  meetings::v1::Organization Organization(int index) const;
  const std::string& OrganizationId(int index) const;
  // -1 for the national union.
  int OrganizationParent(int index) const;

  // REQUIRES: 0 <= index < num_persons().
  meetings::v1::Person Person(int64_t index) const;
  static std::string PersonId(int64_t index);  // "p<index>"

  // Any index >= 0 is valid: indexes past num_meetings() give more meetings
  // of the same distribution (the load generator creates those), with
  // `id_prefix` in front of the index in the id ("m" by default).
  GeneratedMeeting Meeting(int64_t index, const std::string& id_prefix = "m") const;
  static std::string MeetingId(int64_t index) { return "m" + std::to_string(index); }

  // Query parameters: shared by the gRPC load generator and the pgbench
  // scripts (tests/bench/pg/*.sql compute the same from the same inputs).
  // A List by organization asks for a window of this many local days.
  static constexpr int kOrganizationWindowDays = 90;
  // The first day a window may start on, counted from first_day(): windows
  // start uniformly in [0, OrganizationWindowStarts()).
  int OrganizationWindowStarts() const;

 private:
  struct OrgInfo {
    std::string id;
    std::string display_name;
    std::string short_name;
    meetings::v1::Organization::Classification classification;
    int parent;
    int province;  // index into Provinces(), -1 for national bodies
  };

  DatasetOptions options_;
  int64_t num_persons_;
  int num_days_;
  absl::CivilDay first_day_;
  std::vector<OrgInfo> organizations_;
};

// A small, fast, portable random stream (splitmix64), seeded from
// (seed, stream, index) so that every record has its own.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream, uint64_t index);
  uint64_t Next();
  // Uniform in [0, n); REQUIRES: n > 0. Slightly biased for huge n, the
  // same on every platform.
  uint64_t Uniform(uint64_t n);
  // Uniform in [lo, hi], inclusive.
  int64_t Between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Uniform(hi - lo + 1)); }
  // True with probability percent / 100.
  bool Percent(int percent) { return Uniform(100) < static_cast<uint64_t>(percent); }

 private:
  uint64_t state_;
};

}  // namespace meetings::bench

#endif  // MEETINGS_TESTS_BENCH_DATASET_H_
