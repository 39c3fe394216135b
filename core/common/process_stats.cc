#include "core/common/process_stats.h"

#include <pthread.h>

#include <cstring>
#include <fstream>
#include <string>

namespace ddsim::common {

namespace {

int64_t statusField(const char* field) {
  std::ifstream in("/proc/self/status");
  const std::string prefix = std::string(field) + ":";
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::stoll(line.substr(prefix.size())) * 1024;  // kB
  }
  return 0;
}

}  // namespace

int64_t peakRssBytes() { return statusField("VmHWM"); }
int64_t currentRssBytes() { return statusField("VmRSS"); }

}  // namespace ddsim::common

namespace ddsim::common {

void nameThisThread(const char* name) {
  char buf[16] = {};
  std::strncpy(buf, name, sizeof buf - 1);
  pthread_setname_np(pthread_self(), buf);
}

}  // namespace ddsim::common
