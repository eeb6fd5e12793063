#include "services/domain/field_mask.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/field_mask_util.h"
#include "services/domain/text.h"

namespace meetings::domain {
namespace {

// Debian's abseil is built with its own absl::string_view (not an alias of
// std::string_view), so std::string_view arguments are converted explicitly.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FieldMask;
using google::protobuf::util::FieldMaskUtil;

constexpr std::string_view kWildcard = "*";
constexpr std::string_view kNameField = "name";

// True when `path` or one of its dotted prefixes is "name" or an
// output-only path.
bool IsIgnored(std::string_view path,
               const absl::flat_hash_set<std::string>& output_only_paths) {
  size_t from = 0;
  while (true) {
    const size_t dot = path.find('.', from);
    const std::string_view prefix = path.substr(0, dot);
    if (prefix == kNameField || output_only_paths.contains(Sv(prefix))) {
      return true;
    }
    if (dot == std::string_view::npos) return false;
    from = dot + 1;
  }
}

bool HasEmptyComponent(std::string_view path) {
  return path.empty() || path.front() == '.' || path.back() == '.' ||
         path.find("..") != std::string_view::npos;
}

}  // namespace

absl::Status ApplyUpdateMask(
    const google::protobuf::Message& patch, const FieldMask& mask,
    std::string_view message_field,
    const absl::flat_hash_set<std::string>& output_only_paths,
    google::protobuf::Message* target) {
  const Descriptor* descriptor = patch.GetDescriptor();
  if (target->GetDescriptor() != descriptor) {
    return absl::InternalError(absl::StrCat(
        "ApplyUpdateMask: patch is a ", descriptor->full_name(),
        " but target is a ", target->GetDescriptor()->full_name()));
  }

  FieldMask effective;
  if (mask.paths_size() == 0) {
    std::vector<const FieldDescriptor*> fields;
    patch.GetReflection()->ListFields(patch, &fields);
    for (const FieldDescriptor* field : fields) {
      if (IsIgnored(field->name(), output_only_paths)) continue;
      effective.add_paths(field->name());
    }
  } else {
    for (const std::string& path : mask.paths()) {
      if (path == kWildcard && mask.paths_size() != 1) {
        return absl::InvalidArgumentError(
            "update_mask: \"*\" must be the only path");
      }
    }
    if (mask.paths(0) == kWildcard) {
      for (int i = 0; i < descriptor->field_count(); ++i) {
        const std::string& name = descriptor->field(i)->name();
        if (IsIgnored(name, output_only_paths)) continue;
        effective.add_paths(name);
      }
    } else {
      // Validate every path before touching `*target`.
      std::vector<const FieldDescriptor*> unused;
      for (const std::string& path : mask.paths()) {
        // FieldMaskUtil skips empty components, so "" and "a..b" would
        // pass it; they are not field paths.
        if (HasEmptyComponent(path) ||
            !FieldMaskUtil::GetFieldDescriptors(descriptor, path, &unused)) {
          return absl::InvalidArgumentError(
              absl::StrCat("update_mask: unknown field ", QuoteForError(path),
                           " of ", Sv(message_field)));
        }
      }
      for (const std::string& path : mask.paths()) {
        if (IsIgnored(path, output_only_paths)) continue;
        effective.add_paths(path);
      }
    }
  }
  if (effective.paths_size() == 0) return absl::OkStatus();

  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(patch, effective, options, target);
  return absl::OkStatus();
}

}  // namespace meetings::domain
