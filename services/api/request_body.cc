#include "services/api/request_body.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/stubs/common.h"
#include "google/protobuf/wire_format_lite.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "grpcpp/support/proto_buffer_writer.h"

namespace meetings::api {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::io::CodedInputStream;
using google::protobuf::internal::WireFormatLite;

// Nesting deeper than protobuf's own parser allows is a malformed body anyway.
constexpr int kMaxDepth = 100;

std::string FindIn(const Descriptor& descriptor, CodedInputStream* in, int depth) {
  if (depth > kMaxDepth) return "";
  std::map<int, int> occurrences;  // field number -> values seen so far
  while (true) {
    const uint32_t tag = in->ReadTag();
    if (tag == 0) return "";
    const FieldDescriptor* field = descriptor.FindFieldByNumber(WireFormatLite::GetTagFieldNumber(tag));
    const bool length_delimited =
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
    if (field == nullptr || !length_delimited ||
        (field->type() != FieldDescriptor::TYPE_STRING &&
         field->type() != FieldDescriptor::TYPE_MESSAGE)) {
      if (!WireFormatLite::SkipField(in, tag)) return "";
      continue;
    }
    std::string path = field->name();
    const int index = occurrences[field->number()]++;
    if (field->is_repeated() && !field->is_map()) absl::StrAppend(&path, "[", index, "]");
    uint32_t length = 0;
    if (!in->ReadVarint32(&length)) return "";
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      std::string value;
      if (!in->ReadString(&value, static_cast<int>(length))) return "";
      if (!google::protobuf::internal::IsStructurallyValidUTF8(value)) return path;
      continue;
    }
    const CodedInputStream::Limit limit = in->PushLimit(static_cast<int>(length));
    const std::string inner = FindIn(*field->message_type(), in, depth + 1);
    if (!inner.empty()) return field->is_map() ? path : absl::StrCat(path, ".", inner);
    if (!in->ConsumedEntireMessage() && in->BytesUntilLimit() > 0) {
      // The inner walk stopped early: the rest of this value is malformed.
      return "";
    }
    in->PopLimit(limit);
  }
}

}  // namespace

std::string FindInvalidUtf8Field(const Descriptor& descriptor, const std::string& wire) {
  CodedInputStream in(reinterpret_cast<const uint8_t*>(wire.data()), static_cast<int>(wire.size()));
  return FindIn(descriptor, &in, 0);
}

absl::Status ParseRequestBody(const grpc::ByteBuffer& body, google::protobuf::Message* request) {
  request->Clear();
  // The reader takes the buffer's slices by reference; a copy of a
  // ByteBuffer shares them.
  grpc::ByteBuffer shared(body);
  grpc::ProtoBufferReader reader(&shared);
  if (reader.status().ok() && request->ParseFromZeroCopyStream(&reader)) {
    return absl::OkStatus();
  }
  request->Clear();
  std::vector<grpc::Slice> slices;
  std::string wire;
  if (body.Dump(&slices).ok()) {
    for (const grpc::Slice& slice : slices) {
      wire.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  const std::string field = FindInvalidUtf8Field(*request->GetDescriptor(), wire);
  if (!field.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": not valid UTF-8"));
  return absl::InvalidArgumentError(absl::StrCat(
      "request body: not a valid ", request->GetDescriptor()->full_name(), " message"));
}

void SerializeResponseBody(const google::protobuf::Message& response, grpc::ByteBuffer* body) {
  bool own_buffer = false;
  // Cannot fail for a message smaller than gRPC's limits, which the server's
  // own responses are.
  (void)grpc::SerializationTraits<google::protobuf::Message>::Serialize(response, body,
                                                                        &own_buffer);
}

}  // namespace meetings::api
