// The Prometheus scrape endpoint: GET /metrics over plain HTTP/1.1 on its own
// port (cpp-httplib, Debian's libcpp-httplib), so scraping never competes
// with gRPC traffic for a port or a NetworkPolicy rule.
#ifndef MEETINGS_SERVICES_SERVER_METRICS_HTTP_H_
#define MEETINGS_SERVICES_SERVER_METRICS_HTTP_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "services/server/metrics.h"

namespace httplib {
class Server;
}

namespace meetings::server {

// Thread-compatible: Start, then Stop (or destroy) from one thread.
class MetricsHttpServer {
 public:
  // Binds `address` ("host:port", port 0 picks a free one) and serves
  // `metrics` on GET /metrics from two worker threads; any other path is
  // 404. `metrics` must outlive the returned server.
  // Errors: INVALID_ARGUMENT for a malformed address; UNAVAILABLE when the
  // address cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(const std::string& address,
                                                                  const Metrics* metrics);
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
