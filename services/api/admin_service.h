// gRPC handlers of meetings.admin.v1.Admin: convert (authenticating the
// caller when a policy is set), call AdminCore, convert.
#ifndef MEETINGS_SERVICES_API_ADMIN_SERVICE_H_
#define MEETINGS_SERVICES_API_ADMIN_SERVICE_H_

#include "meetings/admin/v1/admin.grpc.pb.h"
#include "services/api/service_options.h"
#include "services/domain/admin.h"

namespace meetings::api {

// Thread-safe. `core` (and options.auth_policy) must outlive the service.
// Every method is a raw callback method (see UnaryHandler in call.h).
class AdminService final : public admin::v1::Admin::CallbackService {
 public:
  explicit AdminService(domain::AdminCore* core, ServiceOptions options = {});

 private:
  domain::AdminCore* const core_;
  const ServiceOptions options_;
};

}  // namespace meetings::api

#endif  // MEETINGS_SERVICES_API_ADMIN_SERVICE_H_
