// What every gRPC service of the server applies to each call before the
// domain layer sees it: who the caller is (authentication against the
// policy) and how long the call may run.
#ifndef MEETINGS_SERVICES_API_SERVICE_OPTIONS_H_
#define MEETINGS_SERVICES_API_SERVICE_OPTIONS_H_

#include "absl/time/time.h"
#include "services/domain/authz.h"

namespace meetings::api {

struct ServiceOptions {
  // Default null: authorization off. Every caller may do everything and a
  // change is attributed to "unauthenticated:<peer address>". Set (owned by
  // the server, outliving the services): a call without valid credentials
  // fails with UNAUTHENTICATED before its handler runs, and the domain
  // layer checks the principal's rights.
  const domain::AuthPolicy* auth_policy = nullptr;
  // Default infinite. A call asking for a later deadline, or none, runs as
  // if it had asked for now + max_deadline: its scans stop and a change
  // stream ends with DEADLINE_EXCEEDED then (resume with its last
  // resume_sequence). The client's own deadline is not changed.
  absl::Duration max_deadline = absl::InfiniteDuration();
};

}  // namespace meetings::api

#endif  // MEETINGS_SERVICES_API_SERVICE_OPTIONS_H_
