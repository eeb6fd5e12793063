// The Prometheus scrape endpoint, GET /metrics, and HTTP health probes,
// GET /healthz/{startup,live,ready}, over plain HTTP/1.1 on their own port
// (cpp-httplib, Debian's libcpp-httplib), so scraping never competes with
// gRPC traffic for a port or a NetworkPolicy rule. The HTTP probes exist
// for deployments whose gRPC port speaks TLS, which Kubernetes' native gRPC
// probes cannot reach.
#ifndef MEETINGS_SERVICES_SERVER_METRICS_HTTP_H_
#define MEETINGS_SERVICES_SERVER_METRICS_HTTP_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "services/server/metrics.h"

namespace httplib {
class Server;
}

namespace meetings::server {

// Where the server is in its life, as the HTTP probes report it.
enum class ServingPhase {
  // RocksDB opening, services not yet listening: startup and ready are 503.
  kStarting,
  // Listening: every probe is 200.
  kServing,
  // Draining (after SIGTERM): ready is 503, startup and live stay 200 so
  // the kubelet does not restart a pod that is shutting down cleanly.
  kDraining,
};

// Thread-compatible: Start, then Stop (or destroy) from one thread.
class MetricsHttpServer {
 public:
  // Binds `address` ("host:port", port 0 picks a free one) and serves
  // `metrics` on GET /metrics and the probes on GET /healthz/startup,
  // /healthz/live and /healthz/ready (200 "SERVING" or 503 "NOT_SERVING",
  // from `phase`) from two worker threads; any other path is 404. `metrics`
  // and `phase` must outlive the returned server.
  // Errors: INVALID_ARGUMENT for a malformed address; UNAVAILABLE when the
  // address cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(const std::string& address,
                                                                  const Metrics* metrics,
                                                                  const std::atomic<ServingPhase>* phase);
  ~MetricsHttpServer();  // Stop()s

  // The port actually bound.
  int port() const { return port_; }

  // Stops listening and waits for the request in progress, if any.
  // Idempotent.
  void Stop();

 private:
  MetricsHttpServer() = default;

  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace meetings::server

#endif  // MEETINGS_SERVICES_SERVER_METRICS_HTTP_H_
