// meetings_write_floor: what storing one generated meeting costs, layer by
// layer, in one process and one thread, without gRPC. Each layer runs over
// its own fresh RocksDB directory with the server's default options:
//
//   domain      MeetingRecords::CreateMeeting: validation, reference
//               checks, search terms, then the storage layer below
//   storage     RecordStore::Mutate of the finished envelope: index,
//               reference and search rows, change and revision rows, one
//               WriteBatch
//   rows_only   the same rows written as a bare RocksDB batch (change and
//               revision values stood in for by the record's bytes): the
//               cost of RocksDB alone for this data model
//   record_only one row per meeting, the record: what a store without
//               indexes, feed or history would pay
//
// It also times one revision-retention sweep (RecordStore::PruneRevisions,
// which the server runs once a minute) over the domain layer's store, where
// no version is old enough to go: the sweep's cost when it has nothing to
// do, per meeting stored.
//
// Documents follow the same first two layers. The figures bound what the
// server's CreateMeeting and the bulk load can reach on one core whatever
// gRPC does: if `storage` takes 1 ms a meeting, no client reaches 1,000
// meetings/s on that core. Prints one JSON object; run it pinned
// (taskset), as bench.py does.
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/domain/meeting_records.h"
#include "services/storage/record_store.h"
#include "services/storage/rocksdb_kv_store.h"
#include "tests/bench/dataset.h"
#include "tests/bench/json_writer.h"

ABSL_FLAG(int64_t, meetings, 3000, "Meetings to store at each layer.");
ABSL_FLAG(std::string, dir, "", "Scratch directory (required); emptied first and removed after.");
ABSL_FLAG(uint64_t, seed, 20211115, "Data set seed.");

namespace meetings::bench {
namespace {

using Clock = std::chrono::steady_clock;
using storage::RecordKey;

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Wall time and process CPU time (all threads, RocksDB's flushes and
// compactions included) of one layer.
struct Timing {
  double wall_seconds = 0;
  double cpu_seconds = 0;
  int64_t items = 0;
};

template <typename F>
Timing Time(int64_t items, F&& body) {
  const double cpu = ProcessCpuSeconds();
  const auto start = Clock::now();
  body();
  Timing t;
  t.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  t.cpu_seconds = ProcessCpuSeconds() - cpu;
  t.items = items;
  return t;
}

void Check(const absl::Status& status, std::string_view what) {
  if (!status.ok()) {
    std::cerr << "meetings_write_floor: " << what << ": " << status << "\n";
    std::exit(1);
  }
}

std::unique_ptr<storage::RocksDbKvStore> OpenKv(const std::string& path) {
  storage::RocksDbOptions options;
  options.path = path;
  auto kv = storage::RocksDbKvStore::Open(options);
  Check(kv.status(), "open " + path);
  return *std::move(kv);
}

struct Layered {
  std::unique_ptr<storage::RocksDbKvStore> kv;
  std::unique_ptr<storage::RecordStore> store;
  std::unique_ptr<domain::MeetingRecords> core;

  // Closes the layers top down: each refers to the one below it.
  void Close() {
    core.reset();
    store.reset();
    kv.reset();
  }
};

Layered OpenLayered(const std::string& path) {
  Layered l;
  l.kv = OpenKv(path);
  auto store = storage::RecordStore::Open(l.kv.get());
  Check(store.status(), "record store");
  l.store = *std::move(store);
  l.core = std::make_unique<domain::MeetingRecords>(l.store.get(), domain::MeetingRecordsOptions{});
  return l;
}

void WriteTiming(JsonWriter* json, std::string_view name, const Timing& t) {
  json->Key(name);
  json->BeginObject();
  json->Field("items", t.items);
  json->Field("wall_seconds", t.wall_seconds);
  json->Field("cpu_seconds", t.cpu_seconds);
  json->Field("us_per_item", t.wall_seconds * 1e6 / t.items);
  json->Field("cpu_us_per_item", t.cpu_seconds * 1e6 / t.items);
  json->Field("per_second", t.items / t.wall_seconds);
  json->Field("per_cpu_second", t.items / t.cpu_seconds);
  json->EndObject();
}

int Main() {
  const int64_t n = absl::GetFlag(FLAGS_meetings);
  const std::string dir = absl::GetFlag(FLAGS_dir);
  if (dir.empty() || n <= 0) {
    std::cerr << "meetings_write_floor: --dir is required and --meetings must be positive\n";
    return 2;
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  DatasetOptions options;
  options.seed = absl::GetFlag(FLAGS_seed);
  options.meetings = n;
  const Dataset ds(options);
  std::vector<GeneratedMeeting> generated;
  generated.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) generated.push_back(ds.Meeting(i));
  const domain::CallContext context;

  // Layer 1: the domain, over a store that holds the organizations and
  // persons the meetings refer to.
  Layered domain_store = OpenLayered(dir + "/domain");
  for (int i = 0; i < ds.num_organizations(); ++i) {
    v1::CreateOrganizationRequest r;
    *r.mutable_organization() = ds.Organization(i);
    r.set_organization_id(ds.OrganizationId(i));
    Check(domain_store.core->CreateOrganization(r, context).status(), "organization");
  }
  for (int64_t i = 0; i < ds.num_persons(); ++i) {
    v1::CreatePersonRequest r;
    *r.mutable_person() = ds.Person(i);
    r.set_person_id(Dataset::PersonId(i));
    Check(domain_store.core->CreatePerson(r, context).status(), "person");
  }
  std::vector<v1::CreateMeetingRequest> meeting_requests(static_cast<size_t>(n));
  int64_t documents = 0;
  for (int64_t i = 0; i < n; ++i) {
    meeting_requests[i].set_meeting_id(generated[i].id);
    *meeting_requests[i].mutable_meeting() = generated[i].meeting;
    documents += static_cast<int64_t>(generated[i].documents.size());
  }
  const Timing domain_meetings = Time(n, [&] {
    for (const auto& r : meeting_requests) {
      Check(domain_store.core->CreateMeeting(r, context).status(), "meeting");
    }
  });
  std::vector<v1::CreateDocumentRequest> document_requests;
  document_requests.reserve(static_cast<size_t>(documents));
  for (const auto& g : generated) {
    for (size_t d = 0; d < g.documents.size(); ++d) {
      v1::CreateDocumentRequest r;
      r.set_parent("meetings/" + g.id);
      r.set_document_id(g.document_ids[d]);
      *r.mutable_document() = g.documents[d];
      document_requests.push_back(std::move(r));
    }
  }
  const Timing domain_documents = Time(documents, [&] {
    for (const auto& r : document_requests) {
      Check(domain_store.core->CreateDocument(r, context).status(), "document");
    }
  });

  const Timing retention_sweep = Time(n, [&] {
    Check(domain_store.store->PruneRevisions(absl::Now() - absl::Hours(24 * 365), 100000).status(),
          "retention sweep");
  });

  // The finished envelopes, as layer 1 stored them.
  std::vector<std::pair<RecordKey, storage::RecordEnvelope>> envelopes;
  envelopes.reserve(static_cast<size_t>(n));
  for (const auto& g : generated) {
    const RecordKey key = RecordKey::Meeting(g.id);
    auto current = domain_store.store->Get(key);
    Check(current.status(), "read back");
    envelopes.emplace_back(key, *std::move(current->record));
  }
  domain_store.Close();

  // Layer 2: storage alone.
  std::vector<std::string> record_bytes;
  int64_t rows = 0;
  int64_t row_bytes = 0;
  std::vector<storage::KvBatch> batches(static_cast<size_t>(n));
  for (size_t i = 0; i < envelopes.size(); ++i) {
    const auto& [key, envelope] = envelopes[i];
    record_bytes.push_back(envelope.SerializeAsString());
    storage::KvBatch& batch = batches[i];
    for (auto& row : storage::IndexRowsFor(key, envelope)) {
      row_bytes += static_cast<int64_t>(row.key.size() + row.value.size());
      batch.Put(row.table, std::move(row.key), std::move(row.value));
    }
    const std::string encoded = key.Encode();
    batch.Put(storage::Table::kRecords, encoded, record_bytes.back());
    batch.Put(storage::Table::kChanges, absl::StrCat("c", i), record_bytes.back());
    batch.Put(storage::Table::kRevisions, encoded + "r", record_bytes.back());
    rows += static_cast<int64_t>(batch.ops().size());
  }
  {
    Layered l = OpenLayered(dir + "/storage");
    std::vector<storage::RecordEnvelope> copies;
    copies.reserve(envelopes.size());
    for (const auto& e : envelopes) copies.push_back(e.second);
    const Timing t = Time(n, [&] {
      for (size_t i = 0; i < envelopes.size(); ++i) {
        auto result = l.store->Mutate(
            envelopes[i].first, {}, [&](const storage::CurrentRecord&) {
              return absl::StatusOr<storage::MutationResult>(
                  storage::MutationResult::Put(std::move(copies[i])));
            });
        Check(result.status(), "mutate");
      }
    });
    envelopes.clear();
    l.Close();

    // Layers 3 and 4: bare RocksDB batches.
    auto rows_kv = OpenKv(dir + "/rows_only");
    const Timing rows_only = Time(n, [&] {
      for (const auto& batch : batches) Check(rows_kv->Write(batch, {}), "rows write");
    });
    rows_kv.reset();
    auto record_kv = OpenKv(dir + "/record_only");
    const Timing record_only = Time(n, [&] {
      for (size_t i = 0; i < record_bytes.size(); ++i) {
        storage::KvBatch batch;
        batch.Put(storage::Table::kRecords, RecordKey::Meeting(generated[i].id).Encode(),
                  record_bytes[i]);
        Check(record_kv->Write(batch, {}), "record write");
      }
    });
    record_kv.reset();

    int64_t total_record_bytes = 0;
    for (const auto& b : record_bytes) total_record_bytes += static_cast<int64_t>(b.size());
    std::ostringstream text;
    JsonWriter json(&text);
    json.BeginObject();
    json.Field("meetings", n);
    json.Field("documents", documents);
    json.Field("rows_per_meeting", static_cast<double>(rows) / n);
    json.Field("index_row_bytes_per_meeting", static_cast<double>(row_bytes) / n);
    json.Field("record_bytes_per_meeting", static_cast<double>(total_record_bytes) / n);
    WriteTiming(&json, "domain_meeting", domain_meetings);
    WriteTiming(&json, "domain_document", domain_documents);
    WriteTiming(&json, "storage_meeting", t);
    WriteTiming(&json, "rows_only_meeting", rows_only);
    WriteTiming(&json, "record_only_meeting", record_only);
    WriteTiming(&json, "retention_sweep_per_meeting", retention_sweep);
    json.EndObject();
    std::cout << text.str() << "\n";
  }
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace meetings::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return meetings::bench::Main();
}
