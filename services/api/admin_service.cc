#include "services/api/admin_service.h"

#include "services/api/call.h"

namespace meetings::api {

AdminService::Reactor* AdminService::CheckConsistency(Ctx* ctx,
                                                      const admin::v1::CheckConsistencyRequest*,
                                                      admin::v1::CheckConsistencyResponse* resp) {
  return Finish(ctx, core_->CheckConsistency(ContextOf(ctx)), resp);
}
AdminService::Reactor* AdminService::RebuildIndexes(Ctx* ctx, const admin::v1::RebuildIndexesRequest*,
                                                    admin::v1::RebuildIndexesResponse* resp) {
  return Finish(ctx, core_->RebuildIndexes(ContextOf(ctx)), resp);
}
AdminService::Reactor* AdminService::CreateBackup(Ctx* ctx, const admin::v1::CreateBackupRequest*,
                                                  admin::v1::Backup* resp) {
  return Finish(ctx, core_->CreateBackup(), resp);
}
AdminService::Reactor* AdminService::ListBackups(Ctx* ctx, const admin::v1::ListBackupsRequest*,
                                                 admin::v1::ListBackupsResponse* resp) {
  return Finish(ctx, core_->ListBackups(), resp);
}

}  // namespace meetings::api
