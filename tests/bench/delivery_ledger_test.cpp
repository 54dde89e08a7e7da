#include "clients/bench/delivery_ledger.hpp"

#include <gtest/gtest.h>

namespace musubi::bench {
namespace {

TEST(DeliveryLedger, InOrderDeliveryIsCleanAndComplete) {
  DeliveryLedger ledger;
  ledger.follow(0, "r", 10);
  ledger.follow(1, "r", 10);
  ledger.expect("r", 12);
  EXPECT_EQ(ledger.outstanding(), 4);
  for (int receiver : {0, 1}) {
    ledger.delivered(receiver, "r", 11);
    ledger.delivered(receiver, "r", 12);
  }
  EXPECT_EQ(ledger.outstanding(), 0);
  EXPECT_EQ(ledger.deliveries(), 4);
  EXPECT_EQ(ledger.lost(), 0);
  EXPECT_EQ(ledger.duplicated(), 0);
}

TEST(DeliveryLedger, ARepeatIsDuplicatedAndASkipIsLost) {
  DeliveryLedger ledger;
  ledger.follow(0, "r", 0);
  ledger.delivered(0, "r", 1);
  ledger.delivered(0, "r", 1);
  ledger.delivered(0, "r", 4);  // 2 and 3 never came
  EXPECT_EQ(ledger.duplicated(), 1);
  EXPECT_EQ(ledger.lost(), 2);
}

TEST(DeliveryLedger, WhatNeverArrivesCountsAsLost) {
  DeliveryLedger ledger;
  ledger.follow(0, "a", 0);
  ledger.follow(0, "b", 5);
  ledger.expect("a", 3);
  ledger.expect("b", 6);
  ledger.delivered(0, "a", 1);
  EXPECT_EQ(ledger.lost(), 3);  // a: 2 and 3; b: 6
  EXPECT_EQ(ledger.position(0, "a"), 1);
  ledger.unfollow(0);
  EXPECT_EQ(ledger.outstanding(), 0);
}

TEST(DeliveryLedger, RoomsNotFollowedAreIgnored) {
  DeliveryLedger ledger;
  ledger.follow(0, "a", 0);
  ledger.delivered(0, "other", 1);
  ledger.delivered(7, "a", 1);
  EXPECT_EQ(ledger.deliveries(), 0);
}

}  // namespace
}  // namespace musubi::bench
