// Student t quantiles for the Welch interval of the SMP rule (simulator/compare/student_t.h),
// checked against published table values.
#include "simulator/compare/student_t.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ddsim::compare {
namespace {

TEST(StudentTTest, QuantilesMatchTheTable) {
  struct Row {
    double p, df, t;
  };
  // Two-sided 90 % (p = 0.95), 95 % (0.975) and 99 % (0.995) critical values.
  for (const Row& r : {Row{0.95, 1, 6.3138}, Row{0.95, 2, 2.9200}, Row{0.95, 4, 2.1318}, Row{0.95, 8, 1.8595},
                       Row{0.95, 30, 1.6973}, Row{0.975, 4, 2.7764}, Row{0.975, 10, 2.2281},
                       Row{0.995, 3, 5.8409}, Row{0.95, 1e6, 1.6449}}) {
    EXPECT_NEAR(studentTQuantile(r.p, r.df), r.t, 5e-4) << "p " << r.p << " df " << r.df;
  }
}

TEST(StudentTTest, FractionalDegreesOfFreedomLieBetweenTheirNeighbours) {
  const double t4 = studentTQuantile(0.95, 4), t5 = studentTQuantile(0.95, 5), t45 = studentTQuantile(0.95, 4.5);
  EXPECT_LT(t45, t4);
  EXPECT_GT(t45, t5);
}

TEST(StudentTTest, QuantileInvertsTheCdfAndIsSymmetric) {
  for (double df : {1.0, 2.5, 7.0, 60.0}) {
    for (double p : {0.6, 0.9, 0.99}) {
      const double t = studentTQuantile(p, df);
      EXPECT_NEAR(studentTCdf(t, df), p, 1e-10);
      EXPECT_DOUBLE_EQ(studentTQuantile(1 - p, df), -t);
    }
  }
  EXPECT_EQ(studentTQuantile(0.5, 3), 0.0);
  EXPECT_TRUE(std::isnan(studentTQuantile(1.0, 3)));
  EXPECT_TRUE(std::isnan(studentTQuantile(0.9, 0)));
}

TEST(StudentTTest, IncompleteBetaKnownValues) {
  // I_x(1, 1) = x; I_x(a, 1) = x^a; I_0.5(a, a) = 0.5.
  EXPECT_NEAR(regularizedIncompleteBeta(0.3, 1, 1), 0.3, 1e-12);
  EXPECT_NEAR(regularizedIncompleteBeta(0.7, 3, 1), std::pow(0.7, 3), 1e-12);
  EXPECT_NEAR(regularizedIncompleteBeta(0.5, 4.5, 4.5), 0.5, 1e-12);
  EXPECT_EQ(regularizedIncompleteBeta(0, 2, 3), 0.0);
  EXPECT_EQ(regularizedIncompleteBeta(1, 2, 3), 1.0);
}

}  // namespace
}  // namespace ddsim::compare
