// Request bodies as they arrive: bytes that gRPC hands over without parsing,
// so that a body which is not a valid message gets INVALID_ARGUMENT naming
// what is wrong. (gRPC 1.51's typed callback handlers answer such a body
// with UNIMPLEMENTED and an empty message before any of our code runs.)
#ifndef MEETINGS_SERVICES_API_REQUEST_BODY_H_
#define MEETINGS_SERVICES_API_REQUEST_BODY_H_

#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/byte_buffer.h"

namespace meetings::api {

// Parses `body` into `request` (cleared first).
// Errors: INVALID_ARGUMENT when the body is not a valid `request` message;
// when a string field holds invalid UTF-8 the message names the field by its
// path, e.g. "meeting.participants[0].position: not valid UTF-8".
absl::Status ParseRequestBody(const grpc::ByteBuffer& body, google::protobuf::Message* request);

// The field path of the first string field in `wire` (a serialized
// `descriptor` message) whose value is not valid UTF-8, "" when there is
// none or `wire` is not well-formed. Repeated fields carry their index
// ("other_names[1]"); map fields name the map ("labels"). Exposed for tests.
std::string FindInvalidUtf8Field(const google::protobuf::Descriptor& descriptor,
                                 const std::string& wire);

// Serializes `response` into `body`. Always leaves `body` holding a message,
// empty or not (gRPC sends no message for an empty ByteBuffer).
void SerializeResponseBody(const google::protobuf::Message& response, grpc::ByteBuffer* body);

}  // namespace meetings::api

#endif  // MEETINGS_SERVICES_API_REQUEST_BODY_H_
