// The PacketPipe that overlaps a DogStatsD workload's generation with its parsing: what comes out
// is what the generator emits, packet for packet and in order, whatever the batch size and bound.
#include "simulator/workload/packet_pipe.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "simulator/workload/dogstatsd_generator.h"

namespace ddsim::workload {
namespace {

scenario::DogStatsDWorkload workloadWithTags() {
  scenario::DogStatsDWorkload w;
  w.contexts = 2000;
  w.tags_per_metric = {0, 6};
  w.static_tags = {"env:test"};
  w.packet_size = 1400;
  return w;
}

std::vector<std::string> direct(int64_t lines) {
  DogStatsDGenerator g(workloadWithTags(), 5);
  std::vector<std::string> out;
  for (int round = 0; round < 3; ++round) {
    g.generate(lines, 1'700'000'000 + round, [&](std::string_view p) { out.emplace_back(p); });
  }
  return out;
}

std::vector<std::string> piped(int64_t lines, size_t batch, size_t bound) {
  DogStatsDGenerator g(workloadWithTags(), 5);
  PacketPipe pipe(batch, bound);
  std::vector<std::string> out;
  for (int round = 0; round < 3; ++round) {  // one pipe reused across ticks, as a driver does
    pipe.run([&](const std::function<void(std::string_view)>& emit) { g.generate(lines, 1'700'000'000 + round, emit); },
             [&](std::string_view p) { out.emplace_back(p); });
  }
  return out;
}

TEST(PacketPipeTest, ThePacketsAndTheirOrderAreTheGenerators) {
  const auto want = direct(20'000);
  ASSERT_GT(want.size(), 100u);
  EXPECT_EQ(piped(20'000, 64, 16), want);
  EXPECT_EQ(piped(20'000, 1, 1), want);     // every packet waits for the consumer
  EXPECT_EQ(piped(20'000, 1000, 2), want);  // batches larger than a tick's output
}

TEST(PacketPipeTest, ATickThatEmitsNothingEnds) {
  PacketPipe pipe;
  int consumed = 0;
  pipe.run([](const std::function<void(std::string_view)>&) {}, [&](std::string_view) { ++consumed; });
  EXPECT_EQ(consumed, 0);
}

}  // namespace
}  // namespace ddsim::workload
