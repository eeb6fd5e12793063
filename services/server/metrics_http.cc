#include "services/server/metrics_http.h"

#include <sys/socket.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "httplib.h"
#include "services/server/config.h"

namespace meetings::server {

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& address, const Metrics* metrics, const std::atomic<ServingPhase>* phase) {
  std::string host;
  int port = 0;
  if (absl::Status s = SplitHostPort(address, &host, &port); !s.ok()) return s;

  std::unique_ptr<MetricsHttpServer> server(new MetricsHttpServer());
  server->http_ = std::make_unique<httplib::Server>();
  httplib::Server& http = *server->http_;
  // A scrape every 15-60 s gains nothing from keep-alive, and a kept-alive
  // connection would hold Stop() for the keep-alive timeout.
  http.set_keep_alive_max_count(1);
  // SO_REUSEADDR only: the library's default adds SO_REUSEPORT, with which
  // a second server (or gRPC, which sets it too) could bind the same port
  // and receive half of the scrapes instead of failing start-up.
  http.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  http.set_read_timeout(5, 0);
  http.set_write_timeout(5, 0);
  // The library's default pool has at least 8 threads; a scrape needs one.
  http.new_task_queue = [] { return new httplib::ThreadPool(2); };
  http.Get("/metrics", [metrics](const httplib::Request&, httplib::Response& response) {
    response.set_content(metrics->RenderText(), "text/plain; version=0.0.4; charset=utf-8");
  });

  auto probe = [&http, phase](const char* path, bool (*serving)(ServingPhase)) {
    http.Get(path, [phase, serving](const httplib::Request&, httplib::Response& response) {
      const bool ok = serving(phase->load(std::memory_order_acquire));
      response.status = ok ? 200 : 503;
      response.set_content(ok ? "SERVING\n" : "NOT_SERVING\n", "text/plain; charset=utf-8");
    });
  };
  probe("/healthz/startup", [](ServingPhase p) { return p != ServingPhase::kStarting; });
  probe("/healthz/live", [](ServingPhase) { return true; });
  probe("/healthz/ready", [](ServingPhase p) { return p == ServingPhase::kServing; });

  if (port == 0) {
    port = http.bind_to_any_port(host);
    if (port < 0) port = 0;
  } else if (!http.bind_to_port(host, port)) {
    port = 0;
  }
  if (port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", address));
  }
  server->port_ = port;
  server->thread_ = std::thread([&http] { http.listen_after_bind(); });
  // stop() is a no-op until the listening loop runs, so a Stop() right
  // after Start() would wait forever: return only once it runs.
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (!http.is_running() && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(1));
  if (!http.is_running()) {
    return absl::UnavailableError(absl::StrCat("metrics endpoint on ", address, " did not start"));
  }
  return server;
}

MetricsHttpServer::~MetricsHttpServer() { Stop(); }

void MetricsHttpServer::Stop() {
  if (!thread_.joinable()) return;
  http_->stop();
  thread_.join();
}

}  // namespace meetings::server
