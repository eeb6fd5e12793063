// Version of the client library, sent in the user-agent.
#ifndef MEETINGS_CLIENT_VERSION_H_
#define MEETINGS_CLIENT_VERSION_H_

namespace meetings::client {

inline constexpr char kVersion[] = "0.1.0";

}  // namespace meetings::client

#endif  // MEETINGS_CLIENT_VERSION_H_
