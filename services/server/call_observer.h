// A gRPC server interceptor that observes every call without touching the
// handlers in services/api: it counts the call and its latency in Metrics,
// writes one JSON log line per call, and (tests only) delays calls.
#ifndef MEETINGS_SERVICES_SERVER_CALL_OBSERVER_H_
#define MEETINGS_SERVICES_SERVER_CALL_OBSERVER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"
#include "services/server/metrics.h"

namespace meetings::server {

class CallDelayer;

struct CallObserverOptions {
  // Required: where calls are counted; must outlive every call (in
  // practice, the grpc::Server).
  Metrics* metrics = nullptr;
  // Default null. When set, counts the calls in progress that a drain
  // should wait for: every call except grpc.health.v1.Health/Watch streams,
  // which never end by themselves. Must outlive every call.
  std::atomic<int64_t>* calls_in_progress = nullptr;
  // Default "meetings.v1.": calls whose full method starts with
  // "/<prefix>" are logged at info level; any other call (health checks
  // from the kubelet every few seconds, reflection) at debug. Calls that
  // end INTERNAL, UNKNOWN or DATA_LOSS are logged at error level either
  // way.
  std::string info_prefix = "meetings.v1.";
  // Default 0 (off). TESTS ONLY: calls matching `info_prefix` wait this
  // long after their request arrived, before their handler runs, so that a
  // drain test has calls reliably in flight. The wait blocks no thread.
  absl::Duration test_only_call_delay = absl::ZeroDuration();
};

// Creates one interceptor per call. Thread-safe. Owned by the grpc::Server
// (ServerBuilder::experimental().SetInterceptorCreators).
class CallObserverFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallObserverFactory(CallObserverOptions options);
  ~CallObserverFactory() override;

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

  // Resumes every call held by test_only_call_delay now, and lets later
  // ones through unheld. The server calls it when its drain deadline
  // passes, where a real handler would notice the cancellation.
  // Thread-safe; a no-op without test_only_call_delay.
  void ReleaseHeldCalls();

 private:
  const CallObserverOptions options_;
  std::unique_ptr<CallDelayer> delayer_;  // null unless test_only_call_delay > 0
};

}  // namespace meetings::server

#endif  // MEETINGS_SERVICES_SERVER_CALL_OBSERVER_H_
