#include "server/request_latency.hpp"

#include <chrono>

#include <gtest/gtest.h>

#include "server/metrics.hpp"

namespace musubi::server {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(RequestLatency, CountsEachRequestInTheFirstBucketThatHoldsIt) {
  RequestLatency latency;
  latency.record("room.history", microseconds(300));        // <= 0.5 ms
  latency.record("room.history", milliseconds(1));          // exactly on a bound: that bucket
  latency.record("room.history", microseconds(1001));       // just over: the next
  latency.record("room.history", std::chrono::seconds(9));  // over every bound: +Inf
  latency.record("room.post", milliseconds(15));

  const auto all = latency.snapshot();
  ASSERT_EQ(all.size(), 2u);
  const auto& history = all[0];
  EXPECT_EQ(history.op, "room.history");
  EXPECT_EQ(history.count, 4u);
  EXPECT_EQ(history.buckets[0], 1u);
  EXPECT_EQ(history.buckets[1], 1u);
  EXPECT_EQ(history.buckets[2], 1u);
  EXPECT_EQ(history.buckets.back(), 1u);
  EXPECT_NEAR(history.sum_seconds, 9.002301, 1e-9);
  const auto& post = all[1];
  EXPECT_EQ(post.op, "room.post");
  EXPECT_EQ(post.count, 1u);
  EXPECT_EQ(post.buckets[5], 1u);  // (0.01, 0.02]
}

TEST(RequestLatency, AClockThatWentBackCountsAsZero) {
  RequestLatency latency;
  latency.record("room.post", -milliseconds(5));
  const auto all = latency.snapshot();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].buckets[0], 1u);
  EXPECT_EQ(all[0].sum_seconds, 0.0);
}

TEST(RequestLatency, MetricsShowACumulativeHistogramPerOperation) {
  RequestLatency latency;
  latency.record("room.history", microseconds(300));
  latency.record("room.history", milliseconds(3));
  MetricsSnapshot snapshot;
  snapshot.request_latency = latency.snapshot();
  const auto text = render_metrics(snapshot);
  EXPECT_NE(text.find("# TYPE musubi_request_duration_seconds histogram\n"), std::string::npos);
  for (const char* line : {
           "musubi_request_duration_seconds_bucket{op=\"room.history\",le=\"0.0005\"} 1\n",
           "musubi_request_duration_seconds_bucket{op=\"room.history\",le=\"0.002\"} 1\n",
           "musubi_request_duration_seconds_bucket{op=\"room.history\",le=\"0.005\"} 2\n",
           "musubi_request_duration_seconds_bucket{op=\"room.history\",le=\"2.5\"} 2\n",
           "musubi_request_duration_seconds_bucket{op=\"room.history\",le=\"+Inf\"} 2\n",
           "musubi_request_duration_seconds_sum{op=\"room.history\"} 0.0033\n",
           "musubi_request_duration_seconds_count{op=\"room.history\"} 2\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
}

}  // namespace
}  // namespace musubi::server
