// meeting_records_server: serves meetings.v1.MeetingRecords until SIGTERM or
// SIGINT, then drains and exits 0. Exit 1 on a start-up failure, 2 on bad
// configuration.
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/server/config.h"
#include "services/server/server.h"

namespace {

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

}  // namespace

int main(int argc, char** argv) {
  auto options = meetings::server::ParseServerOptions(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "meeting_records_server: %s\n",
                 std::string(options.status().message()).c_str());
    return 2;
  }
  // Signals are taken by sigwait below, in this thread only: block them
  // before any other thread starts so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = meetings::server::Server::Start(*options);
  if (!server.ok()) {
    meetings::server::LogLine("error", absl::StrCat("start-up failed: ", server.status().ToString()));
    return 1;
  }
  meetings::server::LogLine(
      "info", absl::StrCat("serving meetings.v1.MeetingRecords on port ", (*server)->port(),
                           " (address ", options->address, ", data in ", options->data_dir, ")"));
  if (!options->port_file.empty() && !WritePortFile(options->port_file, (*server)->port())) {
    meetings::server::LogLine("error", "cannot write --port_file " + options->port_file);
    (*server)->Shutdown(absl::Now());
    return 1;
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  meetings::server::LogLine(
      "info", absl::StrCat("signal ", signal_number, ": draining for up to ",
                           absl::FormatDuration(options->drain_timeout)));
  (*server)->Shutdown(absl::Now() + options->drain_timeout);
  meetings::server::LogLine("info", "stopped cleanly");
  return 0;
}
