#include "services/api/call.h"

#include <cstdio>
#include <cstdlib>

#include "google/protobuf/descriptor.h"

namespace meetings::api {

int MethodIndex(const std::string& service_full_name, const std::string& method) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_full_name);
  const google::protobuf::MethodDescriptor* found =
      service == nullptr ? nullptr : service->FindMethodByName(method);
  if (found == nullptr) {
    std::fprintf(stderr, "no method %s in service %s\n", method.c_str(),
                 service_full_name.c_str());
    std::abort();
  }
  return found->index();
}

}  // namespace meetings::api
