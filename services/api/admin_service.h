// gRPC handlers of meetings.admin.v1.Admin: convert (authenticating the
// caller when a policy is set), call AdminCore, convert.
#ifndef MEETINGS_SERVICES_API_ADMIN_SERVICE_H_
#define MEETINGS_SERVICES_API_ADMIN_SERVICE_H_

#include "meetings/admin/v1/admin.grpc.pb.h"
#include "services/api/service_options.h"
#include "services/domain/admin.h"

namespace meetings::api {

// Thread-safe. `core` (and options.auth_policy) must outlive the service.
class AdminService final : public admin::v1::Admin::CallbackService {
 public:
  explicit AdminService(domain::AdminCore* core, ServiceOptions options = {})
      : core_(core), options_(options) {}

  using Ctx = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  Reactor* CheckConsistency(Ctx*, const admin::v1::CheckConsistencyRequest*,
                            admin::v1::CheckConsistencyResponse*) override;
  Reactor* RebuildIndexes(Ctx*, const admin::v1::RebuildIndexesRequest*,
                          admin::v1::RebuildIndexesResponse*) override;
  Reactor* CreateBackup(Ctx*, const admin::v1::CreateBackupRequest*, admin::v1::Backup*) override;
  Reactor* ListBackups(Ctx*, const admin::v1::ListBackupsRequest*,
                       admin::v1::ListBackupsResponse*) override;

 private:
  domain::AdminCore* const core_;
  const ServiceOptions options_;
};

}  // namespace meetings::api

#endif  // MEETINGS_SERVICES_API_ADMIN_SERVICE_H_
