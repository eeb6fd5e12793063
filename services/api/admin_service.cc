#include "services/api/admin_service.h"

#include "services/api/call.h"

namespace meetings::api {

using domain::CallContext;

AdminService::AdminService(domain::AdminCore* core, ServiceOptions options)
    : core_(core), options_(options) {
  const std::string service = admin::v1::Admin::service_full_name();
  MarkMethodRawCallback(
      MethodIndex(service, "CheckConsistency"),
      UnaryHandler<admin::v1::CheckConsistencyRequest>(
          &options_, [this](const admin::v1::CheckConsistencyRequest&, const CallContext& c) {
            return core_->CheckConsistency(c);
          }));
  MarkMethodRawCallback(
      MethodIndex(service, "RebuildIndexes"),
      UnaryHandler<admin::v1::RebuildIndexesRequest>(
          &options_, [this](const admin::v1::RebuildIndexesRequest&, const CallContext& c) {
            return core_->RebuildIndexes(c);
          }));
  MarkMethodRawCallback(
      MethodIndex(service, "CreateBackup"),
      UnaryHandler<admin::v1::CreateBackupRequest>(
          &options_, [this](const admin::v1::CreateBackupRequest&, const CallContext& c) {
            return core_->CreateBackup(c);
          }));
  MarkMethodRawCallback(
      MethodIndex(service, "ListBackups"),
      UnaryHandler<admin::v1::ListBackupsRequest>(
          &options_, [this](const admin::v1::ListBackupsRequest&, const CallContext& c) {
            return core_->ListBackups(c);
          }));
}

}  // namespace meetings::api
