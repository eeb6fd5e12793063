#include "services/domain/authz.h"

#include <openssl/evp.h>

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "services/domain/names.h"

namespace meetings::domain {
namespace {

// Debian's abseil keeps absl::string_view distinct from std::string_view.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

// Deeper organization trees than this are treated as ending there; the
// update validation keeps trees acyclic, this only bounds a corrupt one.
constexpr int kMaxAncestorHops = 256;

constexpr std::string_view kOrganizationPrefix = "organizations/";

// "organizations/x" -> "x"; empty for any other shape.
std::string_view OrganizationIdOf(std::string_view name) {
  if (name.size() <= kOrganizationPrefix.size() ||
      name.substr(0, kOrganizationPrefix.size()) != kOrganizationPrefix) {
    return {};
  }
  return name.substr(kOrganizationPrefix.size());
}

absl::Status Invalid(const std::string& field, std::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", Sv(message)));
}

bool IsPrintableToken(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c <= '~'; });
}

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

AccessLevel LevelOf(admin::v1::Grant::Level level) {
  switch (level) {
    case admin::v1::Grant::READ: return AccessLevel::kRead;
    case admin::v1::Grant::WRITE: return AccessLevel::kWrite;
    case admin::v1::Grant::ADMIN: return AccessLevel::kAdmin;
    default: return AccessLevel::kNone;
  }
}

}  // namespace

bool Principal::HasSubtreeGrants() const {
  return std::any_of(grants.begin(), grants.end(),
                     [](const Grant& g) { return g.include_sub_organizations; });
}

AccessLevel Principal::HighestLevel() const {
  if (admin) return AccessLevel::kAdmin;
  AccessLevel best = AccessLevel::kNone;
  for (const Grant& g : grants) best = std::max(best, g.level);
  return best;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // EVP_Digest fails only when the library cannot allocate; an empty
  // digest then matches no policy entry.
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return std::string();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

// ---------------------------------------------------------------------------
// AuthPolicy

absl::StatusOr<std::unique_ptr<AuthPolicy>> AuthPolicy::FromProto(
    const admin::v1::AuthPolicy& policy) {
  std::unique_ptr<AuthPolicy> result(new AuthPolicy());
  for (int i = 0; i < policy.principals_size(); ++i) {
    const admin::v1::PolicyPrincipal& p = policy.principals(i);
    const std::string path = absl::StrCat("principals[", i, "]");
    if (p.id().empty()) return Invalid(path + ".id", "required");
    if (p.id().size() > 128 || !IsPrintableToken(p.id())) {
      return Invalid(path + ".id",
                     "must be 1 to 128 printable ASCII characters without spaces");
    }
    if (absl::StartsWith(p.id(), "unauthenticated:")) {
      return Invalid(path + ".id", "\"unauthenticated:\" is reserved for anonymous callers");
    }
    auto principal = std::make_unique<Principal>();
    principal->id = p.id();
    principal->admin = p.admin();
    for (int g = 0; g < p.grants_size(); ++g) {
      const admin::v1::Grant& grant = p.grants(g);
      const std::string grant_path = absl::StrCat(path, ".grants[", g, "]");
      auto id = ParseName(grant_path + ".organization", grant.organization(), kOrganizations);
      if (!id.ok()) return id.status();
      const AccessLevel level = LevelOf(grant.level());
      if (level == AccessLevel::kNone) {
        return Invalid(grant_path + ".level", "must be READ, WRITE or ADMIN");
      }
      principal->grants.push_back(Grant{*id, grant.include_sub_organizations(), level});
    }
    const Principal* raw = principal.get();
    if (!result->by_id_.emplace(p.id(), raw).second) {
      return Invalid(path + ".id", absl::StrCat("\"", p.id(), "\" is used twice"));
    }
    for (int t = 0; t < p.token_sha256_size(); ++t) {
      const std::string& digest = p.token_sha256(t);
      const std::string field = absl::StrCat(path, ".token_sha256[", t, "]");
      if (digest.size() != 64 || !IsLowerHex(digest)) {
        return Invalid(field, "must be a SHA-256 digest: 64 lowercase hex characters");
      }
      if (!result->by_token_sha256_.emplace(digest, raw).second) {
        return Invalid(field, "the same token digest is listed twice");
      }
    }
    for (int c = 0; c < p.certificate_names_size(); ++c) {
      const std::string& name = p.certificate_names(c);
      const std::string field = absl::StrCat(path, ".certificate_names[", c, "]");
      if (name.empty()) return Invalid(field, "must not be empty");
      if (!result->by_certificate_name_.emplace(name, raw).second) {
        return Invalid(field, absl::StrCat("\"", name, "\" is listed twice"));
      }
    }
    result->principals_.push_back(std::move(principal));
  }
  return result;
}

absl::StatusOr<std::unique_ptr<AuthPolicy>> AuthPolicy::FromJson(std::string_view json) {
  admin::v1::AuthPolicy proto;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &proto, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a meetings.admin.v1.AuthPolicy in JSON: ", status.ToString()));
  }
  return FromProto(proto);
}

absl::StatusOr<const Principal*> AuthPolicy::Authenticate(
    const Credentials& credentials) const {
  if (!credentials.authorization.empty()) {
    if (credentials.authorization.size() > 1) {
      return absl::UnauthenticatedError("more than one authorization header");
    }
    std::string_view value = credentials.authorization.front();
    constexpr std::string_view kScheme = "bearer ";
    if (value.size() <= kScheme.size() ||
        !absl::EqualsIgnoreCase(Sv(value.substr(0, kScheme.size())), Sv(kScheme))) {
      return absl::UnauthenticatedError(
          "the authorization header must be \"Bearer <token>\"");
    }
    const absl::string_view token =
        absl::StripAsciiWhitespace(Sv(value.substr(kScheme.size())));
    if (token.empty()) return absl::UnauthenticatedError("empty bearer token");
    // Looking up the digest, not the token, keeps the policy free of
    // secrets; the lookup's timing can reveal at most a digest prefix.
    auto it = by_token_sha256_.find(Sha256Hex(std::string_view(token.data(), token.size())));
    if (it == by_token_sha256_.end()) {
      return absl::UnauthenticatedError("unknown bearer token");
    }
    return it->second;
  }
  for (const std::string& name : credentials.certificate_names) {
    auto it = by_certificate_name_.find(name);
    if (it != by_certificate_name_.end()) return it->second;
  }
  if (!credentials.certificate_names.empty()) {
    return absl::UnauthenticatedError(absl::StrCat(
        "client certificate \"", credentials.certificate_names.front(),
        "\" is not in the authorization policy"));
  }
  return absl::UnauthenticatedError(
      "credentials required: a client certificate or \"authorization: Bearer <token>\"");
}

const Principal* AuthPolicy::Find(std::string_view id) const {
  auto it = by_id_.find(Sv(id));
  return it == by_id_.end() ? nullptr : it->second;
}

// ---------------------------------------------------------------------------
// Meetings and organizations

absl::StatusOr<AccessLevel> AccessChecker::LevelOn(std::string_view organization_id,
                                                   const std::string* parent) {
  if (unrestricted()) return AccessLevel::kAdmin;
  const bool cacheable = parent == nullptr;
  if (cacheable) {
    if (auto it = cache_.find(Sv(organization_id)); it != cache_.end()) return it->second;
  }
  AccessLevel best = AccessLevel::kNone;
  for (const Grant& g : principal_->grants) {
    if (g.organization_id == organization_id) best = std::max(best, g.level);
  }
  if (best != AccessLevel::kAdmin && principal_->HasSubtreeGrants()) {
    std::string next;
    if (parent != nullptr) {
      next = *parent;
    } else {
      auto current = store_->Get(storage::RecordKey::Organization(std::string(organization_id)));
      if (!current.ok()) return current.status();
      if (current->record) next = current->record->organization().parent();
    }
    for (int hops = 0; !next.empty() && hops < kMaxAncestorHops; ++hops) {
      const std::string ancestor(OrganizationIdOf(next));
      if (ancestor.empty()) break;
      for (const Grant& g : principal_->grants) {
        if (g.include_sub_organizations && g.organization_id == ancestor) {
          best = std::max(best, g.level);
        }
      }
      if (best == AccessLevel::kAdmin) break;
      auto record = store_->Get(storage::RecordKey::Organization(ancestor));
      if (!record.ok()) return record.status();
      next = record->record ? record->record->organization().parent() : std::string();
    }
  }
  if (cacheable) cache_.emplace(std::string(organization_id), best);
  return best;
}

absl::StatusOr<AccessLevel> AccessChecker::LevelOnName(std::string_view organization_name) {
  if (unrestricted()) return AccessLevel::kAdmin;
  const std::string_view id = OrganizationIdOf(organization_name);
  if (id.empty()) return AccessLevel::kNone;
  return LevelOn(id);
}

absl::StatusOr<bool> AccessChecker::CanReadMeeting(const v1::Meeting& meeting) {
  if (unrestricted()) return true;
  for (const std::string& id : storage::MeetingOrganizationIds(meeting)) {
    auto level = LevelOn(id);
    if (!level.ok()) return level.status();
    if (*level >= AccessLevel::kRead) return true;
  }
  return false;
}

absl::StatusOr<bool> AccessChecker::CanWriteMeeting(const v1::Meeting& meeting) {
  if (unrestricted()) return true;
  for (const std::string& organizer : meeting.organizers()) {
    auto level = LevelOnName(organizer);
    if (!level.ok()) return level.status();
    if (*level >= AccessLevel::kWrite) return true;
  }
  return false;
}

bool AccessChecker::CanWritePersons() const {
  return unrestricted() || principal_->HighestLevel() >= AccessLevel::kWrite;
}

absl::StatusOr<std::vector<std::string>> AccessChecker::ReadableOrganizationIds(
    size_t max_count) {
  std::vector<std::string> ids;
  if (principal_ == nullptr) return ids;
  for (const Grant& g : principal_->grants) {
    if (!g.include_sub_organizations) {
      ids.push_back(g.organization_id);
      continue;
    }
    auto subtree = store_->OrganizationSubtree(g.organization_id, max_count);
    if (!subtree.ok()) return subtree.status();
    for (auto& id : *subtree) ids.push_back(std::move(id));
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (ids.size() > max_count) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the caller may read more than ", max_count,
        " organizations; narrow the query with an organization"));
  }
  return ids;
}

absl::Status PermissionDenied(const Principal* principal, std::string_view what) {
  return absl::PermissionDeniedError(absl::StrCat(
      principal == nullptr ? std::string("the caller") : principal->id, " may not ", Sv(what)));
}

}  // namespace meetings::domain
