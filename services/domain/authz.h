// Authentication and authorization of callers, without gRPC: the policy
// (who may call, with which rights), the authentication of one call's
// credentials against it, and the access checks the domain layer runs
// against stored records. README-security-section.md states the rules.
//
// The rules in one paragraph: a principal holds grants (READ < WRITE <
// ADMIN) on organizations, each optionally covering the organization's
// whole subtree, and may be a global administrator. A meeting belongs to
// every organization it involves (organizers, participating organizations,
// site hosts, represented organizations); READ on any of them reads it,
// WRITE on one of its organizers changes it. Documents and history follow
// their record. Persons are a shared directory.
#ifndef MEETINGS_SERVICES_DOMAIN_AUTHZ_H_
#define MEETINGS_SERVICES_DOMAIN_AUTHZ_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "meetings/admin/v1/auth_policy.pb.h"
#include "meetings/v1/resources.pb.h"
#include "services/storage/record_store.h"

namespace meetings::domain {

// Levels of access to an organization; each includes the ones below it.
enum class AccessLevel : int {
  kNone = 0,
  kRead = 1,
  kWrite = 2,
  kAdmin = 3,
};

// A right on one organization.
struct Grant {
  // The organization's id (not its resource name).
  std::string organization_id;
  // Default false: this organization only. True: its subtree too.
  bool include_sub_organizations = false;
  // Default kRead.
  AccessLevel level = AccessLevel::kRead;
};

// A caller the policy knows. Immutable once its policy is built.
struct Principal {
  // Recorded as the actor of every change the principal makes.
  std::string id;
  // Global administrator: everything, including the Admin service.
  bool admin = false;
  std::vector<Grant> grants;

  // True when some grant covers a subtree, so that rights on an
  // organization depend on its ancestors.
  bool HasSubtreeGrants() const;
  // The highest level of any grant (kAdmin for a global administrator).
  AccessLevel HighestLevel() const;
};

// What a caller presented, as the transport saw it.
struct Credentials {
  // Every value of the `authorization` metadata key (normally none or one).
  std::vector<std::string> authorization;
  // Identities of the caller's client certificate, verified by the TLS
  // layer: its subject common name and subject alternative names. Empty
  // without mutual TLS.
  std::vector<std::string> certificate_names;
};

// Lowercase hex SHA-256 of `data` (64 characters), as stored in policies.
std::string Sha256Hex(std::string_view data);

// Who may call and with which rights. Immutable after construction, so
// thread-safe; the Principals it returns live as long as it does.
class AuthPolicy {
 public:
  // Builds a policy. Errors (INVALID_ARGUMENT, naming the field, e.g.
  // "principals[2].grants[0].organization: ..."): a missing or malformed
  // id, a token digest that is not 64 lowercase hex characters, a grant
  // without a level or with a malformed organization name, and any id,
  // certificate name or token digest used twice.
  static absl::StatusOr<std::unique_ptr<AuthPolicy>> FromProto(
      const admin::v1::AuthPolicy& policy);
  // Parses the proto3 JSON mapping of admin.v1.AuthPolicy (unknown fields
  // are errors), then FromProto. Errors: INVALID_ARGUMENT.
  static absl::StatusOr<std::unique_ptr<AuthPolicy>> FromJson(std::string_view json);

  // Authenticates one call:
  //  - an `authorization` value, when present, decides alone: it must be
  //    exactly one "Bearer <token>" whose SHA-256 is in the policy;
  //  - otherwise the first certificate name the policy knows decides;
  //  - otherwise the call is not authenticated.
  // Returns the principal, or UNAUTHENTICATED with the reason (never the
  // token itself).
  absl::StatusOr<const Principal*> Authenticate(const Credentials& credentials) const;

  // The principal with this id, or null.
  const Principal* Find(std::string_view id) const;

 private:
  AuthPolicy() = default;

  // Owned here; pointers to them are handed out.
  std::vector<std::unique_ptr<Principal>> principals_;
  absl::flat_hash_map<std::string, const Principal*> by_id_;
  absl::flat_hash_map<std::string, const Principal*> by_token_sha256_;
  absl::flat_hash_map<std::string, const Principal*> by_certificate_name_;
};

// Access decisions for one caller over the stored records. Not thread-safe
// (it caches organization levels): make one per call, or ClearCache() when
// the organization tree may have changed. `store` must outlive it.
//
// With a null principal (authorization off) every check allows everything.
class AccessChecker {
 public:
  AccessChecker(storage::RecordStore* store, const Principal* principal)
      : store_(store), principal_(principal) {}

  // True when nothing is checked: no principal, or a global administrator.
  bool unrestricted() const { return principal_ == nullptr || principal_->admin; }
  const Principal* principal() const { return principal_; }

  // The level held on organization `id`: the highest of the grants on it
  // and the subtree grants on its ancestors. `parent` is the parent's
  // resource name to walk from instead of the stored record's (for a
  // record being created, or a deleted version); nullptr reads the stored
  // organization (a missing one has no ancestors). Errors: store errors.
  absl::StatusOr<AccessLevel> LevelOn(std::string_view organization_id,
                                      const std::string* parent = nullptr);
  // LevelOn() of the organization a resource name names; kNone for a name
  // that is not `organizations/{id}`.
  absl::StatusOr<AccessLevel> LevelOnName(std::string_view organization_name);

  // READ on any organization the meeting involves.
  absl::StatusOr<bool> CanReadMeeting(const v1::Meeting& meeting);
  // WRITE on any of the meeting's organizers.
  absl::StatusOr<bool> CanWriteMeeting(const v1::Meeting& meeting);
  // Any authenticated caller reads persons.
  bool CanReadPersons() const { return true; }
  // WRITE on any organization creates and updates persons.
  bool CanWritePersons() const;
  // Global administrators only delete persons and create root
  // organizations.
  bool IsAdmin() const { return unrestricted(); }

  // Every organization id the caller may read, sorted, no repeats: the
  // granted organizations and the subtrees of subtree grants (ids of
  // organizations that do not exist may be among them). Only for a
  // restricted caller. Errors: RESOURCE_EXHAUSTED past `max_count` ids,
  // store errors.
  absl::StatusOr<std::vector<std::string>> ReadableOrganizationIds(size_t max_count);

  // Forgets cached levels.
  void ClearCache() { cache_.clear(); }

 private:
  storage::RecordStore* const store_;
  const Principal* const principal_;
  absl::flat_hash_map<std::string, AccessLevel> cache_;
};

// PERMISSION_DENIED naming the principal and what it lacks.
absl::Status PermissionDenied(const Principal* principal, std::string_view what);

}  // namespace meetings::domain

#endif  // MEETINGS_SERVICES_DOMAIN_AUTHZ_H_
