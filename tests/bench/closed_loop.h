// A closed-loop driver for gRPC callback-API calls: C slots, each with one
// call in flight, each issuing its next call as soon as the previous one
// completes. Used by the load generator (for T seconds) and by the bulk
// loader (until the records run out).
#ifndef MEETINGS_TESTS_BENCH_CLOSED_LOOP_H_
#define MEETINGS_TESTS_BENCH_CLOSED_LOOP_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/status.h"
#include "tests/bench/histogram.h"

namespace meetings::bench {

// One call site of a closed loop. The driver never overlaps two calls of the
// same slot, so a slot may keep its request and response as members.
class CallSlot {
 public:
  virtual ~CallSlot() = default;
  // Starts the next call and returns true; `done` is then called exactly
  // once, on any thread, with the call's status. Returns false, without
  // calling `done`, when the slot has nothing left to issue.
  virtual bool Start(std::function<void(const grpc::Status&)> done) = 0;
  // Items in the last completed response (meetings on a List page, 1 for a
  // Get); read by the driver inside `done`.
  virtual int64_t last_items() const { return 0; }
  // Serialized size of the last completed response; the driver samples it
  // now and then, since computing it costs client CPU.
  virtual int64_t last_response_bytes() const { return 0; }
};

struct ClosedLoopOptions {
  // Default 16: slots, i.e. calls in flight.
  int in_flight = 16;
  // Default 10 s: the measurement window after the warm-up. Zero means "run
  // until every slot's Start returns false" and measures the whole run.
  std::chrono::nanoseconds duration = std::chrono::seconds(10);
  // Default 1 s: calls completing before the window opens are not counted.
  std::chrono::nanoseconds warmup = std::chrono::seconds(1);
  // Default 0 (none): a process on this machine (the server) whose CPU time
  // over the window is measured, see ClosedLoopResult::server_cpu_seconds.
  int cpu_pid = 0;
};

struct ClosedLoopResult {
  // Latency of the OK calls completed inside the window.
  LatencyHistogram latency;
  uint64_t ok = 0;
  uint64_t errors = 0;
  // Error count by grpc::StatusCode number.
  std::map<int, uint64_t> error_codes;
  // The first error's "CODE: message", for the report.
  std::string first_error;
  // Length of the window in seconds.
  double seconds = 0;
  // Sum of last_items() over the OK calls in the window.
  uint64_t items = 0;
  // Mean sampled response size, bytes (0 when none was sampled).
  double mean_response_bytes = 0;
  // CPU seconds ClosedLoopOptions::cpu_pid used during the window; -1 when
  // not measured. Divided by `ok` it is the server's CPU per call, which,
  // unlike QPS, does not depend on what else competes for its core.
  double server_cpu_seconds = -1;
  // CPU seconds this process (the client) used during the window; -1 when
  // not measured (measured together with server_cpu_seconds). Near one
  // second per second of window means the client, not the server, limited
  // the QPS.
  double client_cpu_seconds = -1;

  double qps() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
};

// Runs options.in_flight slots made by make_slot(0..in_flight-1) and blocks
// until the window closes and every call in flight has completed (or, with
// a zero duration, until every slot is exhausted). Thread-safe; the slots
// are destroyed before it returns.
ClosedLoopResult RunClosedLoop(const ClosedLoopOptions& options,
                               const std::function<std::unique_ptr<CallSlot>(int slot)>& make_slot);

// A CallSlot for one unary method of a generated stub's async() interface,
// or of a grpc::TemplatedGenericStub when Response is grpc::ByteBuffer (the
// response is then kept as bytes, never parsed).
// `prepare` fills the next request (returning false when there is none);
// `invoke` starts the call, e.g.
//   [stub](auto* ctx, auto* req, auto* resp, auto cb) {
//     stub->async()->GetMeeting(ctx, req, resp, std::move(cb)); }
// `items` counts the items of a response.
template <typename Request, typename Response>
class UnarySlot final : public CallSlot {
 public:
  using Prepare = std::function<bool(Request*)>;
  using Invoke = std::function<void(grpc::ClientContext*, const Request*, Response*,
                                    std::function<void(grpc::Status)>)>;
  using Items = std::function<int64_t(const Response&)>;

  UnarySlot(Prepare prepare, Invoke invoke, Items items = nullptr,
            std::chrono::seconds deadline = std::chrono::seconds(60))
      : prepare_(std::move(prepare)),
        invoke_(std::move(invoke)),
        items_(std::move(items)),
        deadline_(deadline) {}

  bool Start(std::function<void(const grpc::Status&)> done) override {
    if (!prepare_(&request_)) return false;
    response_.Clear();
    context_ = std::make_unique<grpc::ClientContext>();
    context_->set_deadline(std::chrono::system_clock::now() + deadline_);
    invoke_(context_.get(), &request_, &response_,
            [this, done = std::move(done)](grpc::Status status) {
              last_items_ = status.ok() ? (items_ ? items_(response_) : 1) : 0;
              done(status);
            });
    return true;
  }
  int64_t last_items() const override { return last_items_; }
  int64_t last_response_bytes() const override {
    if constexpr (std::is_same_v<Response, grpc::ByteBuffer>) {
      return static_cast<int64_t>(response_.Length());
    } else {
      return static_cast<int64_t>(response_.ByteSizeLong());
    }
  }

 private:
  Prepare prepare_;
  Invoke invoke_;
  Items items_;
  std::chrono::seconds deadline_;
  Request request_;
  Response response_;
  std::unique_ptr<grpc::ClientContext> context_;
  int64_t last_items_ = 0;
};

// `count` channels to `target`, each with its own TCP connection
// (GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL: otherwise channels with equal
// arguments share one subchannel and so one connection), no message size
// limit on receive. Waits up to 10 s for each to connect; returns an empty
// vector when one does not.
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target, int count);

}  // namespace meetings::bench

#endif  // MEETINGS_TESTS_BENCH_CLOSED_LOOP_H_
