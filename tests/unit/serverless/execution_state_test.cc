// The execution-state cache file: where it lives by default (the environment's /tmp) and that
// what is saved comes back.
#include "core/serverless/execution_state.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace ddsim::serverless {
namespace {

TEST(ExecutionState, DefaultCacheFileFollowsTmpdir) {
  struct Row {
    const char* tmpdir;
    const char* expected;
  };
  for (const Row& row : {Row{"", "/tmp/dd-lambda-extension-cache.json"},
                         Row{"/tmp/ddsim-lambda-env0-abc", "/tmp/ddsim-lambda-env0-abc/dd-lambda-extension-cache.json"},
                         Row{"/scratch/", "/scratch/dd-lambda-extension-cache.json"}}) {
    EXPECT_EQ(defaultCachePath(row.tmpdir), row.expected) << "TMPDIR=" << row.tmpdir;
  }
}

TEST(ExecutionState, SavedStateIsRestored) {
  const auto dir = std::filesystem::temp_directory_path() / ("ddsim-es-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = defaultCachePath(dir.string());
  ExecutionState s;
  s.arn = "arn:aws:lambda:us-east-1:123456789012:function:f";
  s.last_request_id = "req-2";
  s.coldstart_request_id = "req-1";
  ASSERT_TRUE(saveExecutionState(s, path).isOk());
  auto back = restoreExecutionState(path);
  ASSERT_TRUE(back.isOk()) << back.status().message();
  EXPECT_EQ(back->arn, s.arn);
  EXPECT_EQ(back->last_request_id, "req-2");
  EXPECT_EQ(back->coldstart_request_id, "req-1");
  std::filesystem::remove_all(dir);
  EXPECT_FALSE(restoreExecutionState(path).isOk());
}

}  // namespace
}  // namespace ddsim::serverless
