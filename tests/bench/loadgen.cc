// meetings_loadgen: a closed-loop load generator for meetings.v1.MeetingRecords.
//
// For each method in --methods, in order, it keeps --in_flight calls in
// flight over --channels connections for --warmup + --seconds, and prints
// one JSON document: per method QPS, latency p50/p99/p999 (HDR-style
// histogram, 1.6% resolution), errors, and the ratio of the method's QPS to
// the grpc.health.v1.Health/Check QPS measured in the same run (the null-RPC
// ceiling of this server on this machine).
//
// Responses of meetings.v1 methods are received as bytes and never parsed
// (a List page is ~600 KB of meetings, and parsing it would make the load
// generator, not the server, the bottleneck); List items are counted by
// scanning the response's top-level tags. The health check uses the stub
// generated from grpc/health/v1/health.proto.
//
// The server must hold the data set that `meetings_datagen --meetings N
// --seed S` loads; the same N and S here make the calls name records that
// exist. Query parameters are drawn exactly as the pgbench scripts of
// tests/bench/pg draw theirs.
//
// Exit status: 0 when every method ran (errors are reported, not fatal),
// 1 when the server cannot be reached, 2 on bad flags.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "meetings/v1/service.grpc.pb.h"
#include "tests/bench/closed_loop.h"
#include "tests/bench/dataset.h"
#include "tests/bench/json_writer.h"
#include "tests/bench/mutex_mode.h"

ABSL_FLAG(std::string, target, "", "Required. host:port of the server.");
ABSL_FLAG(int64_t, meetings, 10000, "Size of the loaded data set (meetings_datagen --meetings).");
ABSL_FLAG(uint64_t, seed, 20211115, "Seed of the loaded data set (meetings_datagen --seed).");
ABSL_FLAG(int, in_flight, 16, "Calls in flight (closed loop).");
ABSL_FLAG(int, channels, 4, "Channels, each its own TCP connection.");
ABSL_FLAG(double, seconds, 10, "Measurement window per method, seconds.");
ABSL_FLAG(double, warmup, 1, "Warm-up per method before the window, seconds.");
ABSL_FLAG(std::string, methods,
          "health_check,get_meeting,list_by_organization,list_by_date,list_by_person,"
          "update_meeting,create_meeting,health_check",
          "Methods to run, in order; a method may repeat (its runs are merged). "
          "Writes come last by default: they change the data the reads see.");
ABSL_FLAG(int, page_size, 50, "page_size of the List calls.");
ABSL_FLAG(std::string, run_tag, "",
          "Prefix of the ids of created meetings (default: derived from time and pid), so "
          "runs against the same server never collide.");
ABSL_FLAG(std::string, out, "", "Write the JSON here instead of stdout.");
ABSL_FLAG(int, server_pid, 0,
          "Optional: pid of the server, when on this machine; its CPU time per call is "
          "then reported (server_cpu_us_per_call), a figure that other load on the "
          "machine does not distort as it does QPS.");

namespace meetings::bench {
namespace {

using v1::MeetingRecords;
using HealthStub = grpc::health::v1::Health::Stub;

// Random stream numbers of the query parameters, one per method, so that
// adding a method does not change the parameters of another.
enum ParamStream : uint64_t {
  kGetStream = 101,
  kOrgStream = 102,
  kDateStream = 103,
  kPersonStream = 104,
  kUpdateStream = 105,
};

v1::Date DateOf(absl::CivilDay day) {
  v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

struct Context {
  const Dataset* dataset;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<HealthStub>> health_stubs;
  int page_size;
  std::string run_tag;
  // Distinct per run of a method, so repeated runs draw fresh parameters.
  int run_number = 0;
};

// Entries of the top-level field 1 (`meetings`) of a serialized
// ListMeetingsResponse, read from the tags without parsing the meetings.
int64_t CountListItems(const grpc::ByteBuffer& response) {
  grpc::ByteBuffer copy(response);  // shares the slices
  grpc::ProtoBufferReader reader(&copy);
  google::protobuf::io::CodedInputStream in(&reader);
  in.SetTotalBytesLimit(INT32_MAX);
  int64_t items = 0;
  for (uint32_t tag = in.ReadTag(); tag != 0; tag = in.ReadTag()) {
    if (tag == ((1u << 3) | 2)) ++items;
    if (!google::protobuf::internal::WireFormatLite::SkipField(&in, tag)) return -1;
  }
  return items;
}

// A slot calling `/meetings.v1.MeetingRecords/<method>` with a typed request
// and a raw response.
template <typename Request>
std::unique_ptr<CallSlot> RawSlot(const std::shared_ptr<grpc::Channel>& channel,
                                  const std::string& method,
                                  std::function<bool(Request*)> prepare,
                                  std::function<int64_t(const grpc::ByteBuffer&)> items = nullptr) {
  auto stub = std::make_shared<grpc::TemplatedGenericStub<Request, grpc::ByteBuffer>>(channel);
  auto path = std::make_shared<const std::string>("/meetings.v1.MeetingRecords/" + method);
  return std::make_unique<UnarySlot<Request, grpc::ByteBuffer>>(
      std::move(prepare),
      [stub, path](grpc::ClientContext* c, const Request* q, grpc::ByteBuffer* r,
                   std::function<void(grpc::Status)> cb) {
        stub->UnaryCall(c, *path, grpc::StubOptions(), q, r, std::move(cb));
      },
      std::move(items));
}

std::unique_ptr<CallSlot> MakeSlot(const std::string& method, int slot, Context& ctx) {
  const Dataset& ds = *ctx.dataset;
  const uint64_t seed = ds.options().seed + 7919 * static_cast<uint64_t>(ctx.run_number);
  const auto& channel = ctx.channels[slot % ctx.channels.size()];
  const int page_size = ctx.page_size;

  if (method == "health_check") {
    HealthStub* health = ctx.health_stubs[slot % ctx.health_stubs.size()].get();
    return std::make_unique<UnarySlot<grpc::health::v1::HealthCheckRequest,
                                      grpc::health::v1::HealthCheckResponse>>(
        [](grpc::health::v1::HealthCheckRequest*) { return true; },
        [health](grpc::ClientContext* c, const grpc::health::v1::HealthCheckRequest* q,
                 grpc::health::v1::HealthCheckResponse* r, std::function<void(grpc::Status)> cb) {
          health->async()->Check(c, q, r, std::move(cb));
        });
  }
  if (method == "get_meeting") {
    auto rng = std::make_shared<Rng>(seed, kGetStream, slot);
    return RawSlot<v1::GetMeetingRequest>(channel, "GetMeeting", [rng, &ds](auto* q) {
      q->set_name("meetings/" +
                  Dataset::MeetingId(static_cast<int64_t>(rng->Uniform(ds.num_meetings()))));
      return true;
    });
  }
  if (method == "list_by_organization") {
    auto rng = std::make_shared<Rng>(seed, kOrgStream, slot);
    return RawSlot<v1::ListMeetingsRequest>(
        channel, "ListMeetings",
        [rng, &ds, page_size](auto* q) {
          q->set_organization("organizations/" + ds.OrganizationId(static_cast<int>(
                                                     rng->Uniform(ds.num_organizations()))));
          const absl::CivilDay start =
              ds.first_day() + static_cast<int64_t>(rng->Uniform(ds.OrganizationWindowStarts()));
          *q->mutable_start_date() = DateOf(start);
          *q->mutable_end_date() = DateOf(start + (Dataset::kOrganizationWindowDays - 1));
          q->set_page_size(page_size);
          return true;
        },
        CountListItems);
  }
  if (method == "list_by_date") {
    auto rng = std::make_shared<Rng>(seed, kDateStream, slot);
    return RawSlot<v1::ListMeetingsRequest>(
        channel, "ListMeetings",
        [rng, &ds, page_size](auto* q) {
          const absl::CivilDay day =
              ds.first_day() + static_cast<int64_t>(rng->Uniform(ds.num_days()));
          *q->mutable_start_date() = DateOf(day);
          *q->mutable_end_date() = DateOf(day);
          q->set_page_size(page_size);
          return true;
        },
        CountListItems);
  }
  if (method == "list_by_person") {
    auto rng = std::make_shared<Rng>(seed, kPersonStream, slot);
    return RawSlot<v1::ListMeetingsRequest>(
        channel, "ListMeetings",
        [rng, &ds, page_size](auto* q) {
          q->set_person("persons/" +
                        Dataset::PersonId(static_cast<int64_t>(rng->Uniform(ds.num_persons()))));
          q->set_page_size(page_size);
          return true;
        },
        CountListItems);
  }
  if (method == "update_meeting") {
    auto rng = std::make_shared<Rng>(seed, kUpdateStream, slot);
    auto counter = std::make_shared<int64_t>(0);
    return RawSlot<v1::UpdateMeetingRequest>(
        channel, "UpdateMeeting", [rng, &ds, counter, slot](auto* q) {
          // A typical edit after the fact: the status and the description.
          auto* m = q->mutable_meeting();
          m->set_name("meetings/" +
                      Dataset::MeetingId(static_cast<int64_t>(rng->Uniform(ds.num_meetings()))));
          m->set_status(v1::Meeting::HELD);
          m->set_description(absl::StrCat("Đã cập nhật biên bản và kết luận hội nghị (lần ",
                                          ++*counter, ", luồng ", slot, ")."));
          if (q->update_mask().paths_size() == 0) {
            q->mutable_update_mask()->add_paths("description");
            q->mutable_update_mask()->add_paths("status");
          }
          return true;
        });
  }
  if (method == "create_meeting") {
    // Requests are built up front (meetings past the data set's end, same
    // distribution), so that the client's generation cost stays out of the
    // measurement; each call only sets a fresh id on one of them.
    constexpr int kBodies = 8;
    auto bodies = std::make_shared<std::vector<v1::CreateMeetingRequest>>(kBodies);
    for (int b = 0; b < kBodies; ++b) {
      *(*bodies)[b].mutable_meeting() =
          ds.Meeting(ds.num_meetings() + static_cast<int64_t>(slot) * kBodies + b).meeting;
    }
    auto counter = std::make_shared<int64_t>(0);
    const std::string prefix = absl::StrCat(ctx.run_tag, "-", ctx.run_number, "-", slot, "-");
    auto stub =
        std::make_shared<grpc::TemplatedGenericStub<v1::CreateMeetingRequest, grpc::ByteBuffer>>(
            channel);
    static const std::string kPath = "/meetings.v1.MeetingRecords/CreateMeeting";
    // The request the slot passes is ignored: the call sends one of the
    // prepared bodies (never two calls at once per slot, so reusing them is
    // safe).
    auto next = std::make_shared<v1::CreateMeetingRequest*>(nullptr);
    return std::make_unique<UnarySlot<v1::CreateMeetingRequest, grpc::ByteBuffer>>(
        [bodies, counter, prefix, next](v1::CreateMeetingRequest*) {
          const int64_t n = (*counter)++;
          *next = &(*bodies)[static_cast<size_t>(n % kBodies)];
          (*next)->set_meeting_id(absl::StrCat(prefix, n));
          return true;
        },
        [stub, next](grpc::ClientContext* c, const v1::CreateMeetingRequest*, grpc::ByteBuffer* r,
                     std::function<void(grpc::Status)> cb) {
          stub->UnaryCall(c, kPath, grpc::StubOptions(), *next, r, std::move(cb));
        });
  }
  return nullptr;
}

bool KnownMethod(const std::string& m) {
  static const char* kKnown[] = {"health_check",   "get_meeting",    "list_by_organization",
                                 "list_by_date",   "list_by_person", "update_meeting",
                                 "create_meeting"};
  for (const char* k : kKnown) {
    if (m == k) return true;
  }
  return false;
}

struct Merged {
  ClosedLoopResult total;  // latency, counts and seconds summed over runs
  std::vector<double> run_qps;
};

void WriteResult(JsonWriter& json, const ClosedLoopResult& r) {
  json.Field("qps", r.qps());
  json.Field("calls", r.ok);
  json.Field("errors", r.errors);
  json.Field("seconds", r.seconds);
  json.Field("p50_us", r.latency.Quantile(0.50) / 1e3);
  json.Field("p99_us", r.latency.Quantile(0.99) / 1e3);
  json.Field("p999_us", r.latency.Quantile(0.999) / 1e3);
  json.Field("mean_us", r.latency.mean_nanos() / 1e3);
  json.Field("max_us", static_cast<double>(r.latency.max_nanos()) / 1e3);
  json.Field("items_per_call", r.ok ? static_cast<double>(r.items) / r.ok : 0.0);
  json.Field("mean_response_bytes", r.mean_response_bytes);
  json.Key("error_codes");
  json.BeginObject();
  for (const auto& [code, n] : r.error_codes) json.Field(std::to_string(code), n);
  json.EndObject();
  json.Field("first_error", r.first_error);
  json.Field("server_cpu_us_per_call",
             r.server_cpu_seconds >= 0 && r.ok > 0 ? r.server_cpu_seconds * 1e6 / r.ok : -1.0);
  // Fraction of one core the load generator itself used: near 1.0 means
  // the client limited the QPS, or was starved by other processes.
  json.Field("client_cpu_fraction",
             r.client_cpu_seconds >= 0 && r.seconds > 0 ? r.client_cpu_seconds / r.seconds : -1.0);
}

int Main() {
  const std::string target = absl::GetFlag(FLAGS_target);
  if (target.empty()) {
    std::fprintf(stderr, "meetings_loadgen: --target is required\n");
    return 2;
  }
  const std::vector<std::string> methods =
      absl::StrSplit(absl::GetFlag(FLAGS_methods), ',', absl::SkipEmpty());
  for (const auto& m : methods) {
    if (!KnownMethod(m)) {
      std::fprintf(stderr, "meetings_loadgen: unknown method \"%s\"\n", m.c_str());
      return 2;
    }
  }
  const int in_flight = absl::GetFlag(FLAGS_in_flight);
  const int channel_count = absl::GetFlag(FLAGS_channels);
  if (in_flight < 1 || channel_count < 1 || absl::GetFlag(FLAGS_seconds) <= 0) {
    std::fprintf(stderr, "meetings_loadgen: --in_flight, --channels, --seconds must be > 0\n");
    return 2;
  }

  DatasetOptions options;
  options.meetings = absl::GetFlag(FLAGS_meetings);
  options.seed = absl::GetFlag(FLAGS_seed);
  const Dataset dataset(options);

  Context ctx;
  ctx.dataset = &dataset;
  ctx.page_size = absl::GetFlag(FLAGS_page_size);
  ctx.run_tag = absl::GetFlag(FLAGS_run_tag);
  if (ctx.run_tag.empty()) {
    ctx.run_tag = absl::StrFormat(
        "lg%x%x", static_cast<uint32_t>(std::chrono::system_clock::now().time_since_epoch().count()),
        static_cast<uint32_t>(getpid()));
  }
  ctx.channels = MakeChannels(target, channel_count);
  if (ctx.channels.empty()) {
    std::fprintf(stderr, "meetings_loadgen: cannot connect to %s\n", target.c_str());
    return 1;
  }
  for (const auto& ch : ctx.channels) {
    ctx.health_stubs.push_back(grpc::health::v1::Health::NewStub(ch));
  }

  ClosedLoopOptions loop;
  loop.in_flight = in_flight;
  loop.duration = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(absl::GetFlag(FLAGS_seconds)));
  loop.warmup = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(absl::GetFlag(FLAGS_warmup)));
  loop.cpu_pid = absl::GetFlag(FLAGS_server_pid);

  std::vector<std::pair<std::string, ClosedLoopResult>> runs;
  std::map<std::string, Merged> merged;
  std::vector<std::string> order;
  for (const auto& method : methods) {
    std::fprintf(stderr, "meetings_loadgen: %s ...\n", method.c_str());
    ClosedLoopResult r = RunClosedLoop(
        loop, [&](int slot) { return MakeSlot(method, slot, ctx); });
    ++ctx.run_number;
    std::fprintf(stderr, "meetings_loadgen: %s: %.0f calls/s, p99 %.0f us, %llu errors\n",
                 method.c_str(), r.qps(), r.latency.Quantile(0.99) / 1e3,
                 static_cast<unsigned long long>(r.errors));
    if (!merged.count(method)) order.push_back(method);
    Merged& m = merged[method];
    m.run_qps.push_back(r.qps());
    m.total.latency.Add(r.latency);
    m.total.ok += r.ok;
    m.total.errors += r.errors;
    m.total.items += r.items;
    m.total.seconds += r.seconds;
    for (const auto& [code, n] : r.error_codes) m.total.error_codes[code] += n;
    if (m.total.first_error.empty()) m.total.first_error = r.first_error;
    if (r.mean_response_bytes > 0) m.total.mean_response_bytes = r.mean_response_bytes;
    if (r.server_cpu_seconds >= 0) {
      m.total.server_cpu_seconds = std::max(0.0, m.total.server_cpu_seconds) + r.server_cpu_seconds;
    }
    if (r.client_cpu_seconds >= 0) {
      m.total.client_cpu_seconds = std::max(0.0, m.total.client_cpu_seconds) + r.client_cpu_seconds;
    }
    runs.emplace_back(method, std::move(r));
  }

  const double health_qps = merged.count("health_check") ? merged["health_check"].total.qps() : 0;
  std::ostringstream out;
  JsonWriter json(&out);
  json.BeginObject();
  json.Key("config");
  json.BeginObject();
  json.Field("target", target);
  json.Field("in_flight", in_flight);
  json.Field("channels", channel_count);
  json.Field("seconds", absl::GetFlag(FLAGS_seconds));
  json.Field("warmup", absl::GetFlag(FLAGS_warmup));
  json.Field("page_size", ctx.page_size);
  json.Field("meetings", dataset.num_meetings());
  json.Field("persons", dataset.num_persons());
  json.Field("organizations", dataset.num_organizations());
  json.Field("days", dataset.num_days());
  json.Field("seed", dataset.options().seed);
  json.EndObject();
  json.Field("health_check_qps", health_qps);
  json.Key("methods");
  json.BeginObject();
  for (const auto& method : order) {
    const Merged& m = merged[method];
    json.Key(method);
    json.BeginObject();
    WriteResult(json, m.total);
    json.Field("ratio_to_health", health_qps > 0 ? m.total.qps() / health_qps : 0.0);
    json.Key("run_qps");
    json.BeginArray();
    for (double q : m.run_qps) json.Value(q);
    json.EndArray();
    json.EndObject();
  }
  json.EndObject();
  json.Key("runs");
  json.BeginArray();
  for (const auto& [method, r] : runs) {
    json.BeginObject();
    json.Field("method", method);
    WriteResult(json, r);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  out << "\n";

  const std::string path = absl::GetFlag(FLAGS_out);
  if (path.empty()) {
    std::cout << out.str();
  } else {
    std::ofstream file(path, std::ios::trunc);
    file << out.str();
    if (!file.good()) {
      std::fprintf(stderr, "meetings_loadgen: cannot write %s\n", path.c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace meetings::bench

int main(int argc, char** argv) {
  meetings::bench::SkipMutexDeadlockGraphInRelease();
  absl::SetProgramUsageMessage(
      "Closed-loop load generator for meetings.v1.MeetingRecords; prints JSON.\n"
      "  meetings_loadgen --target 127.0.0.1:PORT --meetings N [--in_flight 16] [--seconds 10]");
  absl::ParseCommandLine(argc, argv);
  return meetings::bench::Main();
}
