// common::nameThisThread: the name the kernel shows for the thread (/proc/self/task/TID/comm),
// cut to the 15 bytes Linux keeps.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

#include "core/common/process_stats.h"

namespace ddsim::common {
namespace {

std::string ownComm() {
  std::ifstream in("/proc/self/task/" + std::to_string(gettid()) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

TEST(ThreadNameTest, TheKernelShowsTheNameCutToFifteenBytes) {
  std::string short_name, long_name;
  std::thread([&] {
    nameThisThread("intake-http");
    short_name = ownComm();
    nameThisThread("a-name-longer-than-fifteen-bytes");
    long_name = ownComm();
  }).join();
  EXPECT_EQ(short_name, "intake-http");
  EXPECT_EQ(long_name, "a-name-longer-t");
}

}  // namespace
}  // namespace ddsim::common
