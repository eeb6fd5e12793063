#include "services/server/server.h"

#include <cstdio>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "services/api/meeting_records_service.h"
#include "services/domain/meeting_records.h"
#include "services/storage/record_store.h"
#include "services/storage/rocksdb_kv_store.h"

namespace meetings::server {
namespace {

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace

void LogLine(std::string_view level, std::string_view message) {
  static absl::Mutex mu(absl::kConstInit);
  const std::string line = absl::StrCat(
      "{\"time\":\"", absl::FormatTime(absl::RFC3339_full, absl::Now(), absl::UTCTimeZone()),
      "\",\"level\":\"", std::string(level), "\",\"message\":\"", JsonEscape(message), "\"}\n");
  absl::MutexLock lock(&mu);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

struct Server::State {
  std::unique_ptr<storage::RocksDbKvStore> kv;
  std::unique_ptr<storage::RecordStore> store;
  std::unique_ptr<domain::MeetingRecords> core;
  std::unique_ptr<api::MeetingRecordsService> service;
  std::unique_ptr<grpc::Server> grpc_server;
  int port = 0;
};

Server::Server(std::unique_ptr<State> state) : state_(std::move(state)) {}

Server::~Server() {
  if (state_->grpc_server) Shutdown(absl::Now());
}

int Server::port() const { return state_->port; }

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options) {
  auto state = std::make_unique<State>();
  storage::RocksDbOptions db_options;
  db_options.path = options.data_dir;
  auto kv = storage::RocksDbKvStore::Open(db_options);
  if (!kv.ok()) return kv.status();
  state->kv = *std::move(kv);
  auto store = storage::RecordStore::Open(state->kv.get());
  if (!store.ok()) return store.status();
  state->store = *std::move(store);
  domain::MeetingRecordsOptions core_options;
  core_options.sync_writes = options.sync_writes;
  state->core = std::make_unique<domain::MeetingRecords>(state->store.get(), core_options);
  state->service = std::make_unique<api::MeetingRecordsService>(state->core.get());

  // Linking the health proto's descriptor makes grpc.health.v1 describable
  // over reflection; the call keeps the linker from dropping it.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.address, grpc::InsecureServerCredentials(), &state->port);
  builder.RegisterService(state->service.get());
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  state->grpc_server = builder.BuildAndStart();
  if (!state->grpc_server || state->port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot serve on ", options.address));
  }
  auto* health = state->grpc_server->GetHealthCheckService();
  health->SetServingStatus(true);
  health->SetServingStatus(v1::MeetingRecords::service_full_name(), true);
  return std::unique_ptr<Server>(new Server(std::move(state)));
}

void Server::Shutdown(absl::Time deadline) {
  if (!state_->grpc_server) return;
  state_->grpc_server->GetHealthCheckService()->SetServingStatus(false);
  state_->grpc_server->Shutdown(absl::ToChronoTime(deadline));
  state_->grpc_server->Wait();
  state_->grpc_server.reset();
  state_->service.reset();
  state_->core.reset();
  state_->store.reset();
  state_->kv.reset();  // closes RocksDB
}

}  // namespace meetings::server
