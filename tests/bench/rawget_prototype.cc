// meetings_rawget_prototype: an experiment, not a product. It measures the
// read-path fix the benchmark report proposes, without touching services/:
// serve GetMeeting and ListMeetings-on-a-date from the stored bytes, with no
// protobuf parse, copy or serialize of the meetings.
//
// It opens a data directory written by meeting_records_server READ-ONLY
// (stop the server first), reads keys and values as services/storage/
// FORMAT.md draws them, and answers through gRPC's raw callback API
// (generated WithRawCallbackMethod_* classes: requests and responses are
// grpc::ByteBuffer):
//   GetMeeting:   the `meeting` field (12) of the stored RecordEnvelope is
//                 the response's bytes: located by a wire-format scan, copied
//                 once into the response slice.
//   ListMeetings: only start_date == end_date and no other filter (a date
//                 page, the list_by_date method of meetings_loadgen); each
//                 meeting's bytes are appended as field 1 of the response.
// grpc.health.v1 runs in the same process, so meetings_loadgen's ratio to
// the health check compares like with like.
//
// With --constant_get, GetMeeting answers every call with the bytes of one
// stored meeting of about the mean size, read once at start and sent
// without a copy: gRPC's own cost of a response of that size, the ceiling
// of any GetMeeting on this stack.
//
// Usage: meetings_rawget_prototype --data_dir DIR [--port_file F] [--constant_get]
#include <signal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "meetings/v1/service.grpc.pb.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "tests/bench/mutex_mode.h"

ABSL_FLAG(std::string, data_dir, "", "Required. A data directory of meeting_records_server.");
ABSL_FLAG(std::string, address, "127.0.0.1:0", "Address to serve on.");
ABSL_FLAG(std::string, port_file, "", "Write the bound port here once serving.");
ABSL_FLAG(bool, constant_get, false,
          "Answer every GetMeeting with one stored meeting's bytes, without storage.");

namespace meetings::bench {
namespace {

constexpr uint8_t kMeetingKind = 3;
constexpr uint32_t kEnvelopeMeetingField = 12;
constexpr size_t kPageSize = 50;

void AppendInt32(std::string* out, int32_t v) {
  const uint32_t u = static_cast<uint32_t>(v) ^ 0x80000000u;
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(u >> shift));
}

// The bytes of the length-delimited field `field` at the top level of a
// serialized message, or false when absent or malformed. No parsing beyond
// tags and lengths.
bool FindField(const rocksdb::Slice& message, uint32_t field, const char** data, int* size) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(message.data()),
                                            static_cast<int>(message.size()));
  while (true) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) return false;
    if (tag >> 3 == field && (tag & 7) == 2) {
      uint32_t length;
      if (!in.ReadVarint32(&length)) return false;
      const void* ptr;
      int available;
      if (!in.GetDirectBufferPointer(&ptr, &available) || available < static_cast<int>(length)) {
        return false;
      }
      *data = static_cast<const char*>(ptr);
      *size = static_cast<int>(length);
      return true;
    }
    if (!google::protobuf::internal::WireFormatLite::SkipField(&in, tag)) return false;
  }
}

void AppendVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

template <typename Message>
bool ParseRequest(const grpc::ByteBuffer* request, Message* message) {
  grpc::ByteBuffer copy(*request);
  return grpc::SerializationTraits<Message>::Deserialize(&copy, message).ok();
}

using Base = v1::MeetingRecords::WithRawCallbackMethod_GetMeeting<
    v1::MeetingRecords::WithRawCallbackMethod_ListMeetings<v1::MeetingRecords::CallbackService>>;

class RawService final : public Base {
 public:
  RawService(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* records,
             rocksdb::ColumnFamilyHandle* by_day)
      : db_(db), records_(records), by_day_(by_day) {}

  // Makes every GetMeeting answer `meeting` (the bytes of a Meeting), which
  // must outlive the server.
  void SetConstantMeeting(const std::string* meeting) { constant_ = meeting; }

  grpc::ServerUnaryReactor* GetMeeting(grpc::CallbackServerContext* ctx,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override {
    auto* reactor = ctx->DefaultReactor();
    if (constant_ != nullptr) {
      grpc::Slice slice(constant_->data(), constant_->size(), grpc::Slice::STATIC_SLICE);
      *response = grpc::ByteBuffer(&slice, 1);
      reactor->Finish(grpc::Status::OK);
      return reactor;
    }
    v1::GetMeetingRequest req;
    constexpr std::string_view kPrefix = "meetings/";
    if (!ParseRequest(request, &req) || req.name().compare(0, kPrefix.size(), kPrefix) != 0) {
      reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "name"));
      return reactor;
    }
    std::string key(1, static_cast<char>(kMeetingKind));
    key.append(req.name(), kPrefix.size());
    key.push_back('\0');
    std::string out;
    grpc::Status status = AppendMeeting(key, /*as_list_entry=*/false, &out);
    if (status.ok()) {
      grpc::Slice slice(std::move(out));
      *response = grpc::ByteBuffer(&slice, 1);
    }
    reactor->Finish(status);
    return reactor;
  }

  grpc::ServerUnaryReactor* ListMeetings(grpc::CallbackServerContext* ctx,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override {
    auto* reactor = ctx->DefaultReactor();
    v1::ListMeetingsRequest req;
    if (!ParseRequest(request, &req) || !req.has_start_date() || !req.has_end_date() ||
        req.start_date().SerializeAsString() != req.end_date().SerializeAsString() ||
        !req.organization().empty() || !req.person().empty()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                   "the prototype lists one local date only"));
      return reactor;
    }
    const auto& d = req.start_date();
    const int32_t day = static_cast<int32_t>(absl::CivilDay(d.year(), d.month(), d.day()) -
                                             absl::CivilDay(1970, 1, 1));
    std::string lower;
    std::string upper;
    AppendInt32(&lower, day);
    AppendInt32(&upper, day + 1);
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, by_day_));
    std::string out;
    size_t count = 0;
    grpc::Status status;
    for (it->Seek(lower); it->Valid() && count < kPageSize; it->Next(), ++count) {
      // Row key: day (4) | start (8) | meeting id | 0x00.
      const rocksdb::Slice row = it->key();
      std::string key(1, static_cast<char>(kMeetingKind));
      key.append(row.data() + 12, row.size() - 12);
      status = AppendMeeting(key, /*as_list_entry=*/true, &out);
      if (!status.ok()) break;
    }
    if (status.ok()) {
      grpc::Slice slice(std::move(out));
      *response = grpc::ByteBuffer(&slice, 1);
    }
    reactor->Finish(status);
    return reactor;
  }

 private:
  // Appends the stored meeting under `key`: its bytes alone, or as a
  // `meetings` (field 1) entry of a ListMeetingsResponse.
  grpc::Status AppendMeeting(const std::string& key, bool as_list_entry, std::string* out) {
    rocksdb::PinnableSlice value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), records_, key, &value);
    if (s.IsNotFound()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such meeting");
    if (!s.ok()) return grpc::Status(grpc::StatusCode::UNAVAILABLE, s.ToString());
    const char* data;
    int size;
    if (!FindField(value, kEnvelopeMeetingField, &data, &size)) {
      return grpc::Status(grpc::StatusCode::DATA_LOSS, "no meeting in the envelope");
    }
    if (as_list_entry) {
      out->push_back(0x0A);  // field 1, length-delimited
      AppendVarint(out, static_cast<uint64_t>(size));
    }
    out->append(data, static_cast<size_t>(size));
    return grpc::Status::OK;
  }

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* records_;
  rocksdb::ColumnFamilyHandle* by_day_;
  const std::string* constant_ = nullptr;
};

// The bytes of a typical stored meeting: of the first 1,000 in key order,
// the one whose size is nearest their mean. Empty when there is none.
std::string TypicalMeetingBytes(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* records) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), records));
  const std::string prefix(1, static_cast<char>(kMeetingKind));
  std::vector<std::string> sample;
  double total = 0;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix) && sample.size() < 1000;
       it->Next()) {
    const char* data;
    int size;
    if (FindField(it->value(), kEnvelopeMeetingField, &data, &size)) {
      sample.emplace_back(data, static_cast<size_t>(size));
      total += size;
    }
  }
  if (sample.empty()) return "";
  const double mean = total / static_cast<double>(sample.size());
  return *std::min_element(sample.begin(), sample.end(), [&](const auto& a, const auto& b) {
    return std::abs(static_cast<double>(a.size()) - mean) <
           std::abs(static_cast<double>(b.size()) - mean);
  });
}

int Main() {
  // Signals are taken by sigwait at the end; block them before any thread
  // (RocksDB's, gRPC's) starts, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  const std::string path = absl::GetFlag(FLAGS_data_dir);
  if (path.empty()) {
    std::fprintf(stderr, "meetings_rawget_prototype: --data_dir is required\n");
    return 2;
  }
  rocksdb::Options options;
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(options, path, &names);
  if (!s.ok()) {
    std::fprintf(stderr, "meetings_rawget_prototype: %s\n", s.ToString().c_str());
    return 1;
  }
  // The server's read settings: one 64 MiB LRU block cache, a bloom filter
  // on the records table.
  auto cache = rocksdb::NewLRUCache(size_t{64} << 20);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names) {
    rocksdb::ColumnFamilyOptions cf;
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache;
    if (name == "records") table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    descriptors.emplace_back(name, cf);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  s = rocksdb::DB::OpenForReadOnly(options, path, descriptors, &handles, &db);
  if (!s.ok()) {
    std::fprintf(stderr, "meetings_rawget_prototype: %s\n", s.ToString().c_str());
    return 1;
  }
  rocksdb::ColumnFamilyHandle* records = nullptr;
  rocksdb::ColumnFamilyHandle* by_day = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "records") records = handles[i];
    if (names[i] == "meetings_by_day") by_day = handles[i];
  }
  if (records == nullptr || by_day == nullptr) {
    std::fprintf(stderr, "meetings_rawget_prototype: not a meeting-records data directory\n");
    return 1;
  }

  RawService service(db, records, by_day);
  std::string constant_meeting;
  if (absl::GetFlag(FLAGS_constant_get)) {
    constant_meeting = TypicalMeetingBytes(db, records);
    if (constant_meeting.empty()) {
      std::fprintf(stderr, "meetings_rawget_prototype: --constant_get: no stored meeting\n");
      return 1;
    }
    service.SetConstantMeeting(&constant_meeting);
  }
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::GetFlag(FLAGS_address), grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr, "meetings_rawget_prototype: cannot serve\n");
    return 1;
  }
  if (!absl::GetFlag(FLAGS_port_file).empty()) {
    const std::string tmp = absl::GetFlag(FLAGS_port_file) + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::rename(tmp.c_str(), absl::GetFlag(FLAGS_port_file).c_str());
  }
  std::printf("serving on port %d\n", port);
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  server->Shutdown();
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
  return 0;
}

}  // namespace
}  // namespace meetings::bench

int main(int argc, char** argv) {
  meetings::bench::SkipMutexDeadlockGraphInRelease();
  absl::ParseCommandLine(argc, argv);
  return meetings::bench::Main();
}
