#include "services/server/server.h"

#include <atomic>
#include <thread>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpc/grpc.h"
#include "grpc/health/v1/health.pb.h"
#include "grpc/support/time.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "services/api/admin_service.h"
#include "services/api/meeting_records_service.h"
#include "services/domain/admin.h"
#include "services/domain/meeting_records.h"
#include "services/server/call_observer.h"
#include "services/server/metrics.h"
#include "services/server/metrics_http.h"
#include "services/server/security.h"
#include "services/storage/record_store.h"
#include "services/storage/rocksdb_kv_store.h"

// The build passes the project version (CMake's PROJECT_VERSION).
#ifndef MEETINGS_VERSION
#define MEETINGS_VERSION "unknown"
#endif

namespace meetings::server {

struct Server::State {
  // Declared in the order of construction; destroyed in reverse by
  // Shutdown, which resets them explicitly.
  std::unique_ptr<storage::RocksDbKvStore> kv;
  std::unique_ptr<storage::RecordStore> store;
  std::unique_ptr<domain::MeetingRecords> core;
  // Outlives the services, which hold a pointer to it.
  std::unique_ptr<domain::AuthPolicy> auth_policy;
  std::unique_ptr<api::MeetingRecordsService> service;
  std::unique_ptr<api::ChangeFeedService> change_feed;
  std::unique_ptr<domain::AdminCore> admin;
  std::unique_ptr<api::AdminService> admin_service;
  std::unique_ptr<Metrics> metrics;
  std::unique_ptr<MetricsHttpServer> metrics_http;
  // What the HTTP probes of metrics_http report.
  std::atomic<ServingPhase> phase{ServingPhase::kStarting};
  std::unique_ptr<grpc::Server> grpc_server;
  int port = 0;
  bool lame_duck = false;
  // Calls a drain waits for (see CallObserverOptions::calls_in_progress).
  std::atomic<int64_t> calls_in_progress{0};
  // Owned by grpc_server; valid while it is.
  CallObserverFactory* observers = nullptr;
  // Applies the retention options once a minute until Shutdown.
  absl::Mutex retention_mu;
  bool stopping ABSL_GUARDED_BY(retention_mu) = false;
  std::thread retention;
};

Server::Server(std::unique_ptr<State> state) : state_(std::move(state)) {}

Server::~Server() {
  if (state_->grpc_server) Shutdown(absl::Now());
}

int Server::port() const { return state_->port; }

int Server::metrics_port() const { return state_->metrics_http ? state_->metrics_http->port() : 0; }

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options) {
  auto state = std::make_unique<State>();
  storage::RocksDbOptions db_options;
  db_options.path = options.data_dir;
  db_options.block_cache_bytes = options.block_cache_bytes;
  auto kv = storage::RocksDbKvStore::Open(db_options);
  if (!kv.ok()) return kv.status();
  state->kv = *std::move(kv);
  auto store = storage::RecordStore::Open(state->kv.get());
  if (!store.ok()) return store.status();
  state->store = *std::move(store);
  domain::MeetingRecordsOptions core_options;
  core_options.sync_writes = options.sync_writes;
  core_options.change_retention = options.change_retention;
  core_options.revision_retention = options.revision_retention;
  state->core = std::make_unique<domain::MeetingRecords>(state->store.get(), core_options);
  auto auth_policy = LoadAuthPolicy(options.auth_policy_file);
  if (!auth_policy.ok()) return auth_policy.status();
  state->auth_policy = *std::move(auth_policy);
  auto credentials = MakeServerCredentials(options.tls);
  if (!credentials.ok()) return credentials.status();
  api::ServiceOptions service_options;
  service_options.auth_policy = state->auth_policy.get();
  service_options.max_deadline = options.limits.max_deadline;
  state->service =
      std::make_unique<api::MeetingRecordsService>(state->core.get(), service_options);
  state->change_feed = std::make_unique<api::ChangeFeedService>(state->core.get(), service_options);
  state->admin = std::make_unique<domain::AdminCore>(state->store.get(), state->kv.get(),
                                                     options.backup_dir);
  state->admin_service =
      std::make_unique<api::AdminService>(state->admin.get(), service_options);

  MetricsOptions metrics_options;
  metrics_options.services = {v1::MeetingRecords::service_full_name(),
                              v1::ChangeFeed::service_full_name(),
                              admin::v1::Admin::service_full_name(), "grpc.health.v1.Health",
                              "grpc.reflection.v1alpha.ServerReflection"};
  metrics_options.version = MEETINGS_VERSION;
  storage::RocksDbKvStore* kv_store = state->kv.get();
  metrics_options.storage_stats = [kv_store] { return kv_store->Stats(); };
  state->metrics = std::make_unique<Metrics>(std::move(metrics_options));
  if (!options.metrics_address.empty()) {
    auto http = MetricsHttpServer::Start(options.metrics_address, state->metrics.get(),
                                         &state->phase);
    if (!http.ok()) return http.status();
    state->metrics_http = *std::move(http);
  }

  // Linking the health proto's descriptor makes grpc.health.v1 describable
  // over reflection; the call keeps the linker from dropping it.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.address, *credentials, &state->port);
  ApplyServerLimits(options.limits, &builder);
  builder.RegisterService(state->service.get());
  builder.RegisterService(state->change_feed.get());
  builder.RegisterService(state->admin_service.get());
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  CallObserverOptions observer_options;
  observer_options.metrics = state->metrics.get();
  observer_options.calls_in_progress = &state->calls_in_progress;
  observer_options.test_only_call_delay = options.test_only_call_delay;
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> observers;
  auto observer_factory = std::make_unique<CallObserverFactory>(std::move(observer_options));
  state->observers = observer_factory.get();
  observers.push_back(std::move(observer_factory));
  builder.experimental().SetInterceptorCreators(std::move(observers));
  state->grpc_server = builder.BuildAndStart();
  if (!state->grpc_server || state->port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot serve on ", options.address));
  }
  auto* health = state->grpc_server->GetHealthCheckService();
  for (const std::string& name :
       {std::string(), std::string(v1::MeetingRecords::service_full_name()),
        std::string(kReadinessHealthName), std::string(kLivenessHealthName),
        std::string(kStartupHealthName)}) {
    health->SetServingStatus(name, true);
  }
  state->phase.store(ServingPhase::kServing, std::memory_order_release);
  State* raw = state.get();
  state->retention = std::thread([raw] {
    absl::MutexLock lock(&raw->retention_mu);
    while (!raw->retention_mu.AwaitWithTimeout(absl::Condition(&raw->stopping), absl::Minutes(1))) {
      raw->retention_mu.Unlock();
      if (absl::Status s = raw->core->RunRetention(absl::Now()); !s.ok()) {
        Log(LogLevel::kWarning, "retention failed; will retry", {{"error", s.ToString()}});
      }
      raw->retention_mu.Lock();
    }
  });
  return std::unique_ptr<Server>(new Server(std::move(state)));
}

void Server::EnterLameDuck() {
  if (!state_->grpc_server || state_->lame_duck) return;
  state_->lame_duck = true;
  // Per name: SetServingStatus(false) without a name would take
  // "liveness" down too, and the kubelet would restart a draining pod.
  auto* health = state_->grpc_server->GetHealthCheckService();
  for (const std::string& name :
       {std::string(), std::string(v1::MeetingRecords::service_full_name()),
        std::string(kReadinessHealthName)}) {
    health->SetServingStatus(name, false);
  }
  state_->metrics->SetServing(false);
  state_->phase.store(ServingPhase::kDraining, std::memory_order_release);
}

void Server::Shutdown(absl::Time deadline) {
  if (!state_->grpc_server) return;
  EnterLameDuck();
  // Change streams would otherwise hold the drain until its deadline; they
  // end with UNAVAILABLE, telling consumers where to resume.
  state_->core->BeginShutdown();
  {
    absl::MutexLock lock(&state_->retention_mu);
    state_->stopping = true;
  }
  if (state_->retention.joinable()) state_->retention.join();
  // grpc::Server::Shutdown(deadline) alone returns only once every client
  // connection is closed, and a client that keeps an idle channel open
  // closes it about 5 s after our GOAWAY: every drain would take 5 s, or
  // the whole deadline if shorter. So shut the core server down ourselves
  // and, as soon as no call is left (or at the deadline), cancel what
  // remains, which also closes the idle connections.
  grpc_server* core = state_->grpc_server->c_server();
  grpc_completion_queue* queue = grpc_completion_queue_create_for_pluck(nullptr);
  int shutdown_tag = 0;
  grpc_server_shutdown_and_notify(core, queue, &shutdown_tag);  // refuses new calls
  bool cancelled = false;
  while (true) {
    const gpr_timespec poll =
        gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis(5, GPR_TIMESPAN));
    const grpc_event event = grpc_completion_queue_pluck(queue, &shutdown_tag, poll, nullptr);
    if (event.type == GRPC_OP_COMPLETE) break;
    if (cancelled) continue;
    if (state_->calls_in_progress.load(std::memory_order_acquire) == 0) {
      // Closes the idle connections. A call whose stream arrived just
      // before the GOAWAY but whose interceptor does not exist yet is
      // cancelled too: its client sees CANCELLED and may retry elsewhere.
      grpc_server_cancel_all_calls(core);
      cancelled = true;
    } else if (absl::Now() >= deadline) {
      Log(LogLevel::kWarning, "drain deadline passed: cancelling the calls still running",
          {{"calls", static_cast<int64_t>(state_->calls_in_progress.load())}});
      grpc_server_cancel_all_calls(core);
      state_->observers->ReleaseHeldCalls();
      cancelled = true;
    }
  }
  grpc_completion_queue_shutdown(queue);
  while (grpc_completion_queue_pluck(queue, nullptr, gpr_inf_future(GPR_CLOCK_REALTIME), nullptr)
             .type != GRPC_QUEUE_SHUTDOWN) {
  }
  grpc_completion_queue_destroy(queue);
  // The core server is already shut down: this returns at once and
  // releases the C++ side.
  state_->grpc_server->Shutdown(absl::ToChronoTime(absl::Now()));
  state_->grpc_server->Wait();
  state_->grpc_server.reset();
  // Scrapes read RocksDB properties: stop them before the store closes.
  state_->metrics_http.reset();
  state_->admin_service.reset();
  state_->admin.reset();
  state_->change_feed.reset();
  state_->service.reset();
  state_->core.reset();
  state_->store.reset();
  state_->kv.reset();  // closes RocksDB
}

}  // namespace meetings::server
