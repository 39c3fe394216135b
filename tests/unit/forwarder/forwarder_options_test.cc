// Spec §10 defaults and §6.6 retry-queue budget rules.
#include "core/forwarder/forwarder_options.h"

#include <gtest/gtest.h>

namespace ddsim::forwarder {
namespace {

TEST(ForwarderOptionsTest, DefaultsAreTheAgentDefaults) {
  const ForwarderOptions o;
  EXPECT_EQ(o.site, "datadoghq.com");
  EXPECT_EQ(o.forwarder_timeout, std::chrono::seconds(20));
  EXPECT_EQ(o.forwarder_num_workers, 1);
  EXPECT_EQ(o.forwarder_stop_timeout, std::chrono::seconds(2));
  EXPECT_EQ(o.retryQueueMaxBytes(), 15 * 1024 * 1024);
  EXPECT_EQ(o.forwarder_backoff_factor, 2);
  EXPECT_EQ(o.forwarder_backoff_base, 2);
  EXPECT_EQ(o.forwarder_backoff_max, 64);
  EXPECT_EQ(o.forwarder_recovery_interval, 2);
  EXPECT_FALSE(o.forwarder_recovery_reset);
  EXPECT_EQ(o.forwarder_apikey_validation_interval, 60);
  EXPECT_EQ(o.forwarder_connection_reset_interval, common::Duration::zero());
  EXPECT_EQ(o.forwarder_high_prio_buffer_size, 100);
  EXPECT_EQ(o.forwarder_low_prio_buffer_size, 100);
  EXPECT_EQ(o.forwarder_requeue_buffer_size, 100);
  EXPECT_EQ(o.forwarder_storage_max_size_in_bytes, 0);
  EXPECT_EQ(o.forwarder_storage_max_disk_ratio, 0.80);
  EXPECT_EQ(o.forwarder_flush_to_disk_mem_ratio, 0.5);
  EXPECT_EQ(o.forwarder_outdated_file_in_days, 10);
  EXPECT_EQ(o.logging_frequency, 500);
  EXPECT_EQ(o.storageRoot(), "run/transactions_to_retry");
  EXPECT_TRUE(o.validate().isOk());
}

// Spec §6.6: the new key wins; the deprecated one alone counts 2 MiB per transaction.
TEST(ForwarderOptionsTest, RetryQueueBudget) {
  struct Case {
    std::optional<int64_t> payloads_max, deprecated_max;
    int64_t want;
  };
  const Case cases[] = {
      {std::nullopt, std::nullopt, 15728640},
      {1000, std::nullopt, 1000},
      {std::nullopt, 3, 3 * 2097152},
      {1000, 3, 1000},
      {0, std::nullopt, 0},
  };
  for (const Case& c : cases) {
    ForwarderOptions o;
    o.forwarder_retry_queue_payloads_max_size = c.payloads_max;
    o.forwarder_retry_queue_max_size = c.deprecated_max;
    EXPECT_EQ(o.retryQueueMaxBytes(), c.want);
  }
}

TEST(ForwarderOptionsTest, ValidateNamesTheBadKey) {
  struct Case {
    void (*mutate)(ForwarderOptions&);
    const char* key;
  };
  const Case cases[] = {
      {[](ForwarderOptions& o) { o.forwarder_num_workers = 0; }, "forwarder_num_workers"},
      {[](ForwarderOptions& o) { o.forwarder_high_prio_buffer_size = -1; }, "buffer_size"},
      {[](ForwarderOptions& o) { o.forwarder_timeout = common::Duration::zero(); }, "forwarder_timeout"},
      {[](ForwarderOptions& o) { o.forwarder_storage_max_size_in_bytes = -5; }, "forwarder_storage_max_size_in_bytes"},
      {[](ForwarderOptions& o) { o.forwarder_flush_to_disk_mem_ratio = 0; }, "forwarder_flush_to_disk_mem_ratio"},
      {[](ForwarderOptions& o) { o.forwarder_storage_max_disk_ratio = 1.5; }, "forwarder_storage_max_disk_ratio"},
      {[](ForwarderOptions& o) { o.forwarder_retry_queue_payloads_max_size = -1; }, "retry queue"},
      {[](ForwarderOptions& o) { o.logging_frequency = 0; }, "logging_frequency"},
  };
  for (const Case& c : cases) {
    ForwarderOptions o;
    c.mutate(o);
    const common::Status st = o.validate();
    EXPECT_EQ(st.code(), common::StatusCode::kInvalidArgument) << c.key;
    EXPECT_NE(st.message().find(c.key), std::string::npos) << st.message();
  }
}

}  // namespace
}  // namespace ddsim::forwarder
