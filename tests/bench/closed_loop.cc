#include "tests/bench/closed_loop.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <optional>
#include <mutex>
#include <thread>

#include <unistd.h>

#include "grpc/grpc.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "tests/bench/process_cpu.h"

namespace meetings::bench {
namespace {

using Clock = std::chrono::steady_clock;

// How deep a slot may restart itself from inside its own completion before
// the restart is handed to a helper thread. gRPC may run a completion
// inline (e.g. a call that fails at once), and a closed loop would then
// recurse without bound.
constexpr int kMaxInlineDepth = 8;
thread_local int inline_depth = 0;

// One in every this many OK responses has its size measured.
constexpr uint64_t kSizeSampleEvery = 64;

struct Shared;

struct Runner {
  Shared* shared = nullptr;
  std::unique_ptr<CallSlot> slot;
  LatencyHistogram latency;
  uint64_t ok = 0;
  uint64_t errors = 0;
  uint64_t items = 0;
  uint64_t sampled_bytes = 0;
  uint64_t samples = 0;
  std::map<int, uint64_t> error_codes;
  Clock::time_point started;
  Clock::time_point last_completion;

  void Issue();
  void OnDone(const grpc::Status& status);
};

struct Shared {
  bool until_exhausted = false;
  Clock::time_point window_start;
  Clock::time_point window_end;

  std::mutex mu;
  std::condition_variable all_done;
  int active = 0;
  std::string first_error;

  // Restarts handed over by deep inline completions.
  std::deque<Runner*> restarts;
  std::condition_variable restart_ready;
  bool stopping = false;

  void Finished() {
    std::lock_guard<std::mutex> lock(mu);
    if (--active == 0) all_done.notify_all();
  }
  void Defer(Runner* runner) {
    std::lock_guard<std::mutex> lock(mu);
    restarts.push_back(runner);
    restart_ready.notify_one();
  }
};

void Runner::Issue() {
  started = Clock::now();
  if (!slot->Start([this](const grpc::Status& status) { OnDone(status); })) {
    shared->Finished();
  }
}

void Runner::OnDone(const grpc::Status& status) {
  const Clock::time_point now = Clock::now();
  last_completion = now;
  const bool counted = shared->until_exhausted ||
                       (started >= shared->window_start && now <= shared->window_end);
  if (counted) {
    if (status.ok()) {
      ++ok;
      latency.Record(std::chrono::duration_cast<std::chrono::nanoseconds>(now - started).count());
      items += static_cast<uint64_t>(slot->last_items());
      if (ok % kSizeSampleEvery == 1) {
        sampled_bytes += static_cast<uint64_t>(slot->last_response_bytes());
        ++samples;
      }
    } else {
      ++errors;
      ++error_codes[status.error_code()];
      std::lock_guard<std::mutex> lock(shared->mu);
      if (shared->first_error.empty()) {
        shared->first_error =
            std::to_string(status.error_code()) + ": " + status.error_message();
      }
    }
  }
  if (!shared->until_exhausted && now >= shared->window_end) {
    shared->Finished();
    return;
  }
  if (inline_depth >= kMaxInlineDepth) {
    shared->Defer(this);
    return;
  }
  ++inline_depth;
  Issue();
  --inline_depth;
}

}  // namespace

ClosedLoopResult RunClosedLoop(
    const ClosedLoopOptions& options,
    const std::function<std::unique_ptr<CallSlot>(int slot)>& make_slot) {
  Shared shared;
  shared.until_exhausted = options.duration.count() == 0;
  std::vector<std::unique_ptr<Runner>> runners;
  for (int i = 0; i < options.in_flight; ++i) {
    auto runner = std::make_unique<Runner>();
    runner->shared = &shared;
    runner->slot = make_slot(i);
    runners.push_back(std::move(runner));
  }

  std::thread restarter([&shared] {
    std::unique_lock<std::mutex> lock(shared.mu);
    while (true) {
      shared.restart_ready.wait(lock, [&] { return shared.stopping || !shared.restarts.empty(); });
      if (shared.restarts.empty()) return;
      Runner* runner = shared.restarts.front();
      shared.restarts.pop_front();
      lock.unlock();
      runner->Issue();
      lock.lock();
    }
  });

  const Clock::time_point begin = Clock::now();
  if (shared.until_exhausted) {
    shared.window_start = begin;
    shared.window_end = Clock::time_point::max();
  } else {
    shared.window_start = begin + options.warmup;
    shared.window_end = shared.window_start + options.duration;
  }
  shared.active = static_cast<int>(runners.size());
  std::optional<double> cpu_start;
  std::optional<double> client_start;
  if (shared.until_exhausted) {
    cpu_start = ProcessCpuSeconds(options.cpu_pid);
    client_start = ProcessCpuSeconds(getpid());
  }
  for (auto& runner : runners) runner->Issue();
  std::optional<double> cpu_end;
  std::optional<double> client_end;
  if (!shared.until_exhausted && options.cpu_pid > 0) {
    std::this_thread::sleep_until(shared.window_start);
    cpu_start = ProcessCpuSeconds(options.cpu_pid);
    client_start = ProcessCpuSeconds(getpid());
    std::this_thread::sleep_until(shared.window_end);
    cpu_end = ProcessCpuSeconds(options.cpu_pid);
    client_end = ProcessCpuSeconds(getpid());
  }
  {
    std::unique_lock<std::mutex> lock(shared.mu);
    shared.all_done.wait(lock, [&] { return shared.active == 0; });
    shared.stopping = true;
    shared.restart_ready.notify_all();
  }
  restarter.join();
  if (shared.until_exhausted) {
    cpu_end = ProcessCpuSeconds(options.cpu_pid);
    client_end = ProcessCpuSeconds(getpid());
  }

  ClosedLoopResult result;
  if (cpu_start && cpu_end) result.server_cpu_seconds = *cpu_end - *cpu_start;
  if (options.cpu_pid > 0 && client_start && client_end) {
    result.client_cpu_seconds = *client_end - *client_start;
  }
  Clock::time_point last = begin;
  uint64_t sampled_bytes = 0;
  uint64_t samples = 0;
  for (auto& runner : runners) {
    result.latency.Add(runner->latency);
    result.ok += runner->ok;
    result.errors += runner->errors;
    result.items += runner->items;
    for (const auto& [code, n] : runner->error_codes) result.error_codes[code] += n;
    sampled_bytes += runner->sampled_bytes;
    samples += runner->samples;
    last = std::max(last, runner->last_completion);
  }
  result.first_error = shared.first_error;
  result.mean_response_bytes = samples ? static_cast<double>(sampled_bytes) / samples : 0;
  const auto window = shared.until_exhausted ? last - begin : options.duration;
  result.seconds = std::chrono::duration<double>(window).count();
  return result;
}

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target, int count) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetMaxReceiveMessageSize(-1);
    args.SetMaxSendMessageSize(-1);
    auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      return {};
    }
    channels.push_back(std::move(channel));
  }
  return channels;
}

}  // namespace meetings::bench
