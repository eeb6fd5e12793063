#include "tests/integration/server_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"

namespace meetings::testing {

std::string MakeTempDir(const std::string& prefix) {
  std::string base = std::filesystem::temp_directory_path() / (prefix + "XXXXXX");
  std::vector<char> buf(base.begin(), base.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return "";
  return std::string(buf.data());
}

void RemoveTree(const std::string& path) {
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}

ServerProcess::ServerProcess(std::string data_dir, std::vector<std::string> extra_flags) {
  work_dir_ = MakeTempDir("meetings-server-");
  if (data_dir.empty()) {
    data_dir_ = work_dir_ + "/data";
    own_data_dir_ = true;
  } else {
    data_dir_ = std::move(data_dir);
  }
  const std::string port_file = work_dir_ + "/port";
  const std::string log_file = work_dir_ + "/server.log";
  std::vector<std::string> args = {MEETINGS_SERVER_BINARY, "--address=127.0.0.1:0",
                                   "--data_dir=" + data_dir_, "--port_file=" + port_file};
  for (auto& flag : extra_flags) args.push_back(std::move(flag));

  pid_ = fork();
  if (pid_ == 0) {
    FILE* log = std::fopen(log_file.c_str(), "a");
    if (log != nullptr) {
      dup2(fileno(log), 1);
      dup2(fileno(log), 2);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < give_up) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      ADD_FAILURE() << "server exited during start-up:\n" << Output();
      return;
    }
    std::ifstream in(port_file);
    if (in >> port_ && port_ > 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "server did not report a port within 30 s:\n" << Output();
  Stop(SIGKILL, 5);
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop(SIGKILL, 10);
  if (own_data_dir_) RemoveTree(data_dir_);
  RemoveTree(work_dir_);
}

std::shared_ptr<grpc::Channel> ServerProcess::NewChannel() const {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address(), grpc::InsecureChannelCredentials(), args);
}

std::unique_ptr<v1::MeetingRecords::Stub> ServerProcess::NewStub() const {
  return v1::MeetingRecords::NewStub(NewChannel());
}

int ServerProcess::Stop(int signal, double timeout_seconds) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  const auto give_up = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<int>(timeout_seconds * 1000));
  int status = 0;
  while (std::chrono::steady_clock::now() < give_up) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

std::string ServerProcess::Output() const {
  std::ifstream in(work_dir_ + "/server.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace meetings::testing
