// meeting_records_server: serves meetings.v1.MeetingRecords until SIGTERM or
// SIGINT, then drains and exits 0. Exit 1 on a start-up failure, 2 on bad
// configuration.
//
// The drain, as Kubernetes sees it (terminationGracePeriodSeconds must cover
// lame_duck + drain_timeout + a few seconds to close RocksDB):
//   1. signal: readiness health NOT_SERVING at once, liveness stays SERVING;
//   2. --lame_duck: calls still accepted while endpoints stop routing here
//      (a second signal ends this step early);
//   3. new calls refused; in-flight calls get --drain_timeout;
//   4. remaining calls cancelled, metrics endpoint stopped, RocksDB closed.
#include <signal.h>
#include <time.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "google/protobuf/stubs/logging.h"
#include "services/server/config.h"
#include "services/server/logging.h"
#include "services/server/server.h"

namespace {

using meetings::server::Log;
using meetings::server::LogLevel;

// Writes the port next to `path` and renames it into place, so a reader
// never sees a half-written file.
bool WritePortFile(const std::string& path, int port) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << port << "\n";
    if (!out.good()) return false;
  }
  return std::rename(temp.c_str(), path.c_str()) == 0;
}

// Waits up to `timeout` for one of `signals`; returns it, or 0 on time-out.
int WaitForSignal(const sigset_t& signals, absl::Duration timeout) {
  const timespec ts = absl::ToTimespec(timeout);
  while (true) {
    const int signal_number = sigtimedwait(&signals, nullptr, &ts);
    if (signal_number > 0) return signal_number;
    if (errno != EINTR) return 0;
  }
}

// Protobuf's own complaints become JSON log lines. A string field that is
// not UTF-8 in a request is the client's error, already answered with
// INVALID_ARGUMENT and counted in the call's log line: debug, so hostile
// clients cannot flood the log. Anything else protobuf says is a warning.
void LogProtobufMessage(google::protobuf::LogLevel level, const char* filename, int line,
                        const std::string& message) {
  const bool client_input = message.find("contains invalid UTF-8 data") != std::string::npos;
  Log(client_input || level == google::protobuf::LOGLEVEL_INFO ? LogLevel::kDebug
                                                               : LogLevel::kWarning,
      message, {{"source", absl::StrCat("protobuf:", filename, ":", line)}});
}

}  // namespace

int main(int argc, char** argv) {
  auto options = meetings::server::ParseServerOptions(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "meeting_records_server: bad configuration: %s\n",
                 std::string(options.status().message()).c_str());
    return 2;
  }
  meetings::server::SetMinLogLevel(options->log_level);
#if defined(NDEBUG) && !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
  // Debian's abseil is built without NDEBUG, so each absl::Mutex lock would
  // update a global lock-order graph (2-4% of a GetMeeting's CPU). Release
  // builds skip it; Debug and sanitizer builds keep the check.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  google::protobuf::SetLogHandler(&LogProtobufMessage);
  // Signals are taken by sigwait below, in this thread only: block them
  // before any other thread starts so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = meetings::server::Server::Start(*options);
  if (!server.ok()) {
    Log(LogLevel::kError, absl::StrCat("start-up failed: ", server.status().ToString()));
    return 1;
  }
  if ((*server)->metrics_port() != 0) {
    Log(LogLevel::kInfo, "serving metrics",
        {{"metrics_port", (*server)->metrics_port()}, {"path", "/metrics"}});
  }
  Log(LogLevel::kInfo,
      absl::StrCat("serving meetings.v1.MeetingRecords on port ", (*server)->port(), " (address ",
                   options->address, ", data in ", options->data_dir, ")"),
      {{"port", (*server)->port()},
       {"data_dir", options->data_dir},
       {"log_level", meetings::server::LogLevelName(options->log_level)}});
  if (options->test_only_call_delay > absl::ZeroDuration()) {
    Log(LogLevel::kWarning, absl::StrCat("TEST ONLY: every call is delayed by ",
                                         absl::FormatDuration(options->test_only_call_delay)));
  }
  if (!options->port_file.empty() && !WritePortFile(options->port_file, (*server)->port())) {
    Log(LogLevel::kError, "cannot write --port_file " + options->port_file);
    (*server)->Shutdown(absl::Now());
    return 1;
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  const absl::Time drain_start = absl::Now();
  Log(LogLevel::kInfo,
      absl::StrCat("signal ", signal_number, ": readiness NOT_SERVING; lame duck for ",
                   absl::FormatDuration(options->lame_duck), ", then draining for up to ",
                   absl::FormatDuration(options->drain_timeout)),
      {{"signal", signal_number}});
  (*server)->EnterLameDuck();
  if (options->lame_duck > absl::ZeroDuration()) {
    const int second = WaitForSignal(signals, options->lame_duck);
    if (second != 0) {
      Log(LogLevel::kWarning, absl::StrCat("signal ", second, ": lame duck cut short"));
    }
  }
  Log(LogLevel::kInfo, "refusing new calls; waiting for in-flight calls");
  (*server)->Shutdown(absl::Now() + options->drain_timeout);
  Log(LogLevel::kInfo, "stopped cleanly",
      {{"drain_ms", absl::ToDoubleMilliseconds(absl::Now() - drain_start)}});
  return 0;
}
