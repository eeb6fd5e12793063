#include "services/api/admin_service.h"

#include "services/api/call.h"

namespace meetings::api {

using domain::CallContext;

AdminService::Reactor* AdminService::CheckConsistency(Ctx* ctx,
                                                      const admin::v1::CheckConsistencyRequest*,
                                                      admin::v1::CheckConsistencyResponse* resp) {
  return Run(ctx, options_, resp, [&](const CallContext& c) { return core_->CheckConsistency(c); });
}
AdminService::Reactor* AdminService::RebuildIndexes(Ctx* ctx,
                                                    const admin::v1::RebuildIndexesRequest*,
                                                    admin::v1::RebuildIndexesResponse* resp) {
  return Run(ctx, options_, resp, [&](const CallContext& c) { return core_->RebuildIndexes(c); });
}
AdminService::Reactor* AdminService::CreateBackup(Ctx* ctx, const admin::v1::CreateBackupRequest*,
                                                  admin::v1::Backup* resp) {
  return Run(ctx, options_, resp, [&](const CallContext& c) { return core_->CreateBackup(c); });
}
AdminService::Reactor* AdminService::ListBackups(Ctx* ctx, const admin::v1::ListBackupsRequest*,
                                                 admin::v1::ListBackupsResponse* resp) {
  return Run(ctx, options_, resp, [&](const CallContext& c) { return core_->ListBackups(c); });
}

}  // namespace meetings::api
