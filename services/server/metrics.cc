#include "services/server/metrics.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/grpcpp.h"

namespace meetings::server {

namespace {

// gRPC codes are 0..16; anything else is counted as UNKNOWN.
constexpr int kNumCodes = 17;

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// The shortest of %.15g..%.17g that reads back as the same double, so
// bucket bounds print as "0.0005", not "0.00050000000000000001".
std::string FormatDouble(double value) {
  char buf[40];
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value) break;
  }
  return buf;
}

void Family(std::string* out, std::string_view name, std::string_view type, std::string_view help) {
  absl::StrAppend(out, "# HELP ", absl::string_view(name.data(), name.size()), " ",
                  absl::string_view(help.data(), help.size()), "\n# TYPE ",
                  absl::string_view(name.data(), name.size()), " ",
                  absl::string_view(type.data(), type.size()), "\n");
}

}  // namespace

struct Metrics::Method {
  // `grpc_type="unary",grpc_service="...",grpc_method="..."`.
  std::string labels;
  std::atomic<uint64_t> started{0};
  std::array<std::atomic<uint64_t>, kNumCodes> handled{};
  // Non-cumulative: buckets[i] counts latencies in (bound[i-1], bound[i]];
  // the last one is +Inf.
  std::array<std::atomic<uint64_t>, kLatencyBuckets.size() + 1> buckets{};
  std::atomic<uint64_t> latency_sum_ns{0};
};

std::string_view StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

Metrics::Metrics(MetricsOptions options) : options_(std::move(options)), start_time_(absl::Now()) {
  auto add = [this](std::string_view type, std::string_view service, std::string_view method) {
    auto m = std::make_unique<Method>();
    m->labels = absl::StrCat("grpc_type=\"", EscapeLabelValue(type), "\",grpc_service=\"",
                             EscapeLabelValue(service), "\",grpc_method=\"",
                             EscapeLabelValue(method), "\"");
    Method* raw = m.get();
    methods_.push_back(std::move(m));
    return raw;
  };
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& service_name : options_.services) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(service_name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      std::string_view type = "unary";
      if (method->client_streaming() && method->server_streaming()) {
        type = "bidi_stream";
      } else if (method->client_streaming()) {
        type = "client_stream";
      } else if (method->server_streaming()) {
        type = "server_stream";
      }
      by_name_[absl::StrCat("/", service->full_name(), "/", method->name())] =
          add(type, service->full_name(), method->name());
    }
  }
  unknown_ = add("unknown", "unknown", "unknown");
}

Metrics::~Metrics() = default;

Metrics::Method* Metrics::FindMethod(std::string_view full_method) {
  auto it = by_name_.find(absl::string_view(full_method.data(), full_method.size()));
  return it == by_name_.end() ? unknown_ : it->second;
}

void Metrics::CallStarted(Method* method) {
  method->started.fetch_add(1, std::memory_order_relaxed);
  in_flight_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::CallFinished(Method* method, grpc::StatusCode code, absl::Duration latency) {
  int index = static_cast<int>(code);
  if (index < 0 || index >= kNumCodes) index = static_cast<int>(grpc::StatusCode::UNKNOWN);
  method->handled[index].fetch_add(1, std::memory_order_relaxed);
  const double seconds = absl::ToDoubleSeconds(latency);
  size_t bucket = 0;
  while (bucket < kLatencyBuckets.size() && seconds > kLatencyBuckets[bucket]) ++bucket;
  method->buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  method->latency_sum_ns.fetch_add(
      static_cast<uint64_t>(std::max<int64_t>(0, absl::ToInt64Nanoseconds(latency))),
      std::memory_order_relaxed);
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
}

void Metrics::SetServing(bool serving) { serving_.store(serving, std::memory_order_relaxed); }

std::string Metrics::RenderText() const {
  std::string out;
  out.reserve(64 << 10);

  Family(&out, "grpc_server_started_total", "counter",
         "Total number of RPCs started on the server.");
  for (const auto& m : methods_) {
    absl::StrAppend(&out, "grpc_server_started_total{", m->labels, "} ",
                    m->started.load(std::memory_order_relaxed), "\n");
  }

  Family(&out, "grpc_server_handled_total", "counter",
         "Total number of RPCs completed on the server, by status code.");
  for (const auto& m : methods_) {
    for (int code = 0; code < kNumCodes; ++code) {
      const uint64_t count = m->handled[code].load(std::memory_order_relaxed);
      if (count == 0) continue;  // absent series read as 0 in PromQL
      const std::string_view name = StatusCodeName(static_cast<grpc::StatusCode>(code));
      absl::StrAppend(&out, "grpc_server_handled_total{", m->labels, ",grpc_code=\"",
                      absl::string_view(name.data(), name.size()), "\"} ", count, "\n");
    }
  }

  Family(&out, "grpc_server_handling_seconds", "histogram",
         "Latency of RPCs handled by the server, from the call's arrival to its status.");
  for (const auto& m : methods_) {
    // One pass over the atomics, so _count always equals the +Inf bucket.
    uint64_t cumulative = 0;
    for (size_t i = 0; i < m->buckets.size(); ++i) {
      cumulative += m->buckets[i].load(std::memory_order_relaxed);
      const std::string le = i < kLatencyBuckets.size() ? FormatDouble(kLatencyBuckets[i]) : "+Inf";
      absl::StrAppend(&out, "grpc_server_handling_seconds_bucket{", m->labels, ",le=\"", le, "\"} ",
                      cumulative, "\n");
    }
    absl::StrAppend(
        &out, "grpc_server_handling_seconds_sum{", m->labels, "} ",
        FormatDouble(static_cast<double>(m->latency_sum_ns.load(std::memory_order_relaxed)) / 1e9),
        "\n");
    absl::StrAppend(&out, "grpc_server_handling_seconds_count{", m->labels, "} ", cumulative, "\n");
  }

  Family(&out, "grpc_server_in_flight_calls", "gauge",
         "RPCs the server has started and not yet finished.");
  absl::StrAppend(&out, "grpc_server_in_flight_calls ", in_flight_.load(std::memory_order_relaxed),
                  "\n");

  if (options_.storage_stats) {
    absl::StatusOr<storage::RocksDbStats> stats = options_.storage_stats();
    if (stats.ok()) {
      const std::pair<const char*, std::pair<const char*, uint64_t>> gauges[] = {
          {"meetings_rocksdb_live_data_bytes",
           {"RocksDB's estimate of live data, summed over every column family.",
            stats->live_data_bytes}},
          {"meetings_rocksdb_pending_compaction_bytes",
           {"Bytes RocksDB compaction still has to rewrite; growing without bound means "
            "writes outpace compaction.",
            stats->pending_compaction_bytes}},
          {"meetings_rocksdb_sst_files_bytes",
           {"Size of every RocksDB SST file on disk.", stats->sst_files_bytes}},
          {"meetings_rocksdb_memtable_bytes",
           {"Size of RocksDB's memtables, active and immutable.", stats->memtable_bytes}},
          {"meetings_rocksdb_block_cache_capacity_bytes",
           {"Capacity of RocksDB's block cache (--block_cache_mb).",
            stats->block_cache_capacity_bytes}},
          {"meetings_rocksdb_block_cache_usage_bytes",
           {"Bytes RocksDB's block cache holds: data, index and filter blocks.",
            stats->block_cache_usage_bytes}},
      };
      for (const auto& [name, help_value] : gauges) {
        Family(&out, name, "gauge", help_value.first);
        absl::StrAppend(&out, name, " ", help_value.second, "\n");
      }
    }
  }

  Family(&out, "meetings_serving", "gauge",
         "1 while the server accepts calls as ready, 0 once it drains.");
  absl::StrAppend(&out, "meetings_serving ", serving_.load(std::memory_order_relaxed) ? 1 : 0,
                  "\n");

  Family(&out, "meetings_build_info", "gauge", "Always 1; the labels describe the build.");
  absl::StrAppend(&out, "meetings_build_info{version=\"", EscapeLabelValue(options_.version),
                  "\",grpc_version=\"", EscapeLabelValue(grpc::Version()), "\"} 1\n");

  Family(&out, "process_start_time_seconds", "gauge",
         "Start time of the process since the Unix epoch, in seconds.");
  absl::StrAppend(&out, "process_start_time_seconds ",
                  FormatDouble(absl::ToDoubleSeconds(start_time_ - absl::UnixEpoch())), "\n");
  return out;
}

}  // namespace meetings::server
