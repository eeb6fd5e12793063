// CPU time of another process on this machine, from /proc/PID/stat. The
// benchmark tools read the server's CPU time around each phase: CPU seconds
// per call do not depend on how many other processes compete for the core,
// so they stay comparable on a shared, noisy machine where QPS does not.
#ifndef MEETINGS_TESTS_BENCH_PROCESS_CPU_H_
#define MEETINGS_TESTS_BENCH_PROCESS_CPU_H_

#include <unistd.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace meetings::bench {

// User plus system CPU seconds used so far by every thread of process
// `pid`; nullopt when pid <= 0 or the process cannot be read.
inline std::optional<double> ProcessCpuSeconds(int pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces: fields resume after its ')'.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  long long utime = 0;
  long long stime = 0;
  // After ')': state is field 3; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  if (!fields) return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace meetings::bench

#endif  // MEETINGS_TESTS_BENCH_PROCESS_CPU_H_
