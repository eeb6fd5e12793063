// Runs the real meeting_records_server binary for integration tests: on
// 127.0.0.1 port 0 over a fresh temporary data directory, with the bound
// port read back from --port_file.
#ifndef MEETINGS_TESTS_INTEGRATION_SERVER_PROCESS_H_
#define MEETINGS_TESTS_INTEGRATION_SERVER_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "grpcpp/channel.h"
#include "meetings/v1/service.grpc.pb.h"

namespace meetings::testing {

class ServerProcess {
 public:
  // Starts the server over `data_dir` (a fresh temporary directory when
  // empty) and waits up to 30 s until it serves. Extra flags are appended.
  // Aborts the test (ADD_FAILURE + returns a dead process) on failure.
  explicit ServerProcess(std::string data_dir = "", std::vector<std::string> extra_flags = {});
  // Kills the process if it still runs, removes a temporary data dir.
  ~ServerProcess();

  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& data_dir() const { return data_dir_; }

  std::shared_ptr<grpc::Channel> NewChannel() const;
  std::unique_ptr<v1::MeetingRecords::Stub> NewStub() const;

  // Sends `signal` and waits up to `timeout_seconds` for the exit. Returns
  // the exit code, 128+signal if killed by a signal, or -1 on time-out (the
  // process is then SIGKILLed).
  int Stop(int signal, double timeout_seconds);

  // Text the server wrote to stdout and stderr so far.
  std::string Output() const;

 private:
  std::string data_dir_;
  std::string work_dir_;
  bool own_data_dir_ = false;
  pid_t pid_ = -1;
  int port_ = 0;
};

// A fresh temporary directory (mkdtemp); the caller removes it.
std::string MakeTempDir(const std::string& prefix);
void RemoveTree(const std::string& path);

}  // namespace meetings::testing

#endif  // MEETINGS_TESTS_INTEGRATION_SERVER_PROCESS_H_
