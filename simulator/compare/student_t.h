#pragma once
// Student's t distribution: what the Welch interval of the SMP rule needs (smp_rule.h) and the
// standard library lacks. Degrees of freedom may be fractional (Welch-Satterthwaite).
namespace ddsim::compare {

// The regularized incomplete beta function I_x(a, b), for a, b > 0 and x in [0, 1].
double regularizedIncompleteBeta(double x, double a, double b);

// P(T <= t) for T ~ Student t with `df` > 0 degrees of freedom.
double studentTCdf(double t, double df);

// The p-quantile of Student t with `df` > 0 degrees of freedom, p in (0, 1): the t with
// studentTCdf(t, df) == p, found by bisection (to about 1e-12).
double studentTQuantile(double p, double df);

}  // namespace ddsim::compare
