#include "services/server/call_observer.h"

#include <list>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpcpp/server_context.h"
#include "services/server/logging.h"

namespace meetings::server {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::InterceptorBatchMethods;

// Resumes intercepted batches after a delay, from one thread of its own, so
// that a delayed call blocks none of gRPC's threads (health checks must
// still be answered while calls are held). A cancelled call (client gone,
// drain deadline passed) is resumed at once, as a real handler would notice
// cancellation. Thread-safe.
class CallDelayer {
 public:
  explicit CallDelayer(absl::Duration delay) : delay_(delay), thread_([this] { Run(); }) {}

  // Resumes every held batch at once, then joins the thread.
  ~CallDelayer() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
      wake_.Signal();
    }
    thread_.join();
  }

  // Resumes every held batch now, and later ones at once.
  void ReleaseAll() {
    absl::MutexLock lock(&mu_);
    released_ = true;
    wake_.Signal();
  }

  // `methods`->Proceed() runs `delay` from now, or once the call is
  // cancelled or past its deadline, or at ReleaseAll or destruction.
  void ProceedLater(InterceptorBatchMethods* methods, grpc::ServerContextBase* context) {
    absl::MutexLock lock(&mu_);
    held_.push_back(Held{absl::Now() + delay_, methods, context});
    wake_.Signal();
  }

 private:
  struct Held {
    absl::Time due;
    InterceptorBatchMethods* methods;
    grpc::ServerContextBase* context;
  };

  // How often held calls are checked for cancellation.
  static constexpr absl::Duration kPollInterval = absl::Milliseconds(10);

  void Run() {
    absl::MutexLock lock(&mu_);
    while (true) {
      std::vector<InterceptorBatchMethods*> ready;
      const absl::Time now = absl::Now();
      for (auto it = held_.begin(); it != held_.end();) {
        if (stopping_ || released_ || it->due <= now || it->context->IsCancelled() ||
            absl::FromChrono(it->context->deadline()) <= now) {
          ready.push_back(it->methods);
          it = held_.erase(it);
        } else {
          ++it;
        }
      }
      if (!ready.empty()) {
        // Proceed may run the handler inline: never under our lock.
        mu_.Unlock();
        for (InterceptorBatchMethods* methods : ready) methods->Proceed();
        mu_.Lock();
        continue;
      }
      if (stopping_) return;
      wake_.WaitWithDeadline(&mu_, held_.empty() ? absl::InfiniteFuture() : now + kPollInterval);
    }
  }

  const absl::Duration delay_;
  absl::Mutex mu_;
  absl::CondVar wake_;
  std::list<Held> held_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool released_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: starts once the members above exist
};

namespace {

bool IsServerFault(grpc::StatusCode code) {
  return code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNKNOWN ||
         code == grpc::StatusCode::DATA_LOSS;
}

// Lives exactly as long as its call: created when the call arrives,
// destroyed by gRPC once the call is over, which is when it accounts for it.
class CallObserver final : public grpc::experimental::Interceptor {
 public:
  CallObserver(const CallObserverOptions* options, CallDelayer* delayer,
               grpc::experimental::ServerRpcInfo* info)
      : options_(options),
        info_(info),
        method_name_(info->method() != nullptr ? info->method() : ""),
        method_(options->metrics->FindMethod(method_name_)),
        is_api_call_(absl::StartsWith(method_name_, absl::StrCat("/", options->info_prefix))),
        delayer_(is_api_call_ ? delayer : nullptr),
        start_(absl::Now()),
        in_progress_(method_name_ == "/grpc.health.v1.Health/Watch" ? nullptr
                                                                    : options->calls_in_progress) {
    options_->metrics->CallStarted(method_);
    if (in_progress_ != nullptr) in_progress_->fetch_add(1, std::memory_order_relaxed);
  }

  ~CallObserver() override {
    // A call that never sent a status was cancelled (client gone, deadline,
    // or the server's drain deadline).
    if (!finished_) Finish(grpc::StatusCode::CANCELLED, "");
    // Only now is the call over, its status on the wire: a drain may close
    // the connection once this reaches zero.
    if (in_progress_ != nullptr) in_progress_->fetch_sub(1, std::memory_order_release);
  }

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      peer_ = info_->server_context()->peer();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      Finish(status.error_code(), status.error_message());
    }
    if (delayer_ != nullptr &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      delayer_->ProceedLater(methods, info_->server_context());
      return;
    }
    methods->Proceed();
  }

 private:
  const CallObserverOptions* const options_;
  grpc::experimental::ServerRpcInfo* const info_;
  const std::string method_name_;
  Metrics::Method* const method_;
  const bool is_api_call_;
  CallDelayer* const delayer_;
  const absl::Time start_;
  std::atomic<int64_t>* const in_progress_;  // null: not counted
  // peer_ is written before the handler runs and read when the status is
  // sent; finished_ is written when the status is sent and read by the
  // destructor, which gRPC runs after every batch of the call: no lock.
  std::string peer_;
  bool finished_ = false;

  // Accounts for the call once: metrics (so the in-flight gauge drops as
  // soon as the status leaves) and its log line.
  void Finish(grpc::StatusCode code, const std::string& message) {
    finished_ = true;
    const absl::Duration latency = absl::Now() - start_;
    options_->metrics->CallFinished(method_, code, latency);

    LogLevel level = is_api_call_ ? LogLevel::kInfo : LogLevel::kDebug;
    if (IsServerFault(code)) level = LogLevel::kError;
    if (!LogEnabled(level)) return;
    const std::string_view code_name = StatusCodeName(code);
    const double duration_ms = absl::ToDoubleMilliseconds(latency);
    if (IsServerFault(code)) {
      // Only server faults carry their message: those come from storage,
      // while client-error messages may quote what the client sent.
      Log(level, "call",
          {{"method", method_name_},
           {"code", code_name},
           {"duration_ms", duration_ms},
           {"peer", peer_},
           {"error", message}});
    } else {
      // One line per call: queued, so a call does not pay for a write().
      LogBatched(level, "call",
          {{"method", method_name_},
           {"code", code_name},
           {"duration_ms", duration_ms},
           {"peer", peer_}});
    }
  }
};

}  // namespace

CallObserverFactory::CallObserverFactory(CallObserverOptions options)
    : options_(std::move(options)) {
  if (options_.test_only_call_delay > absl::ZeroDuration()) {
    delayer_ = std::make_unique<CallDelayer>(options_.test_only_call_delay);
  }
}

CallObserverFactory::~CallObserverFactory() = default;

void CallObserverFactory::ReleaseHeldCalls() {
  if (delayer_ != nullptr) delayer_->ReleaseAll();
}

grpc::experimental::Interceptor* CallObserverFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new CallObserver(&options_, delayer_.get(), info);
}

}  // namespace meetings::server
