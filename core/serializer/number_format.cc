#include "core/serializer/number_format.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace ddsim::serializer {
namespace {

// The shortest round-trip digits of |v| (v finite, != 0) and its decimal exponent: |v| =
// d1.d2d3... x 10^exp.
struct Digits {
  char d[24];
  int n = 0;
  int exp = 0;
};

Digits shortestDigits(double v) {
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::scientific);
  Digits out;
  const char* p = buf;
  const char* e = r.ptr;
  for (; p < e && *p != 'e'; ++p) {
    if (*p != '.') out.d[out.n++] = *p;
  }
  int exp = 0;
  std::from_chars(p + 1 + (p[1] == '+' ? 1 : 0), e, exp);
  out.exp = exp;
  return out;
}

void appendF(ByteBuffer& out, const Digits& g) {
  if (g.exp < 0) {
    out.append("0.", 2);
    for (int i = 0; i < -g.exp - 1; ++i) out.push('0');
    out.append(g.d, static_cast<size_t>(g.n));
    return;
  }
  const int int_digits = g.exp + 1;
  if (int_digits >= g.n) {
    out.append(g.d, static_cast<size_t>(g.n));
    for (int i = g.n; i < int_digits; ++i) out.push('0');
    return;
  }
  out.append(g.d, static_cast<size_t>(int_digits));
  out.push('.');
  out.append(g.d + int_digits, static_cast<size_t>(g.n - int_digits));
}

void appendE(ByteBuffer& out, const Digits& g) {
  out.push(g.d[0]);
  if (g.n > 1) {
    out.push('.');
    out.append(g.d + 1, static_cast<size_t>(g.n - 1));
  }
  out.push('e');
  int exp = g.exp;
  out.push(exp < 0 ? '-' : '+');
  if (exp < 0) exp = -exp;
  if (exp < 10) out.push('0');
  char buf[8];
  auto r = std::to_chars(buf, buf + sizeof buf, exp);
  out.append(buf, static_cast<size_t>(r.ptr - buf));
}

// Integral values below 2^53 print the same in 'f' as their integer digits.
bool appendIntegral(ByteBuffer& out, double v) {
  if (!(std::fabs(v) < 9007199254740992.0) || v != std::trunc(v)) return false;
  if (v == 0) {
    if (std::signbit(v)) out.push('-');
    out.push('0');
    return true;
  }
  appendInt64(out, static_cast<int64_t>(v));
  return true;
}

}  // namespace

void appendInt64(ByteBuffer& out, int64_t v) {
  char* p = out.prepare(20);
  auto r = std::to_chars(p, p + 20, v);
  out.commit(static_cast<size_t>(r.ptr - p));
}

void appendGoFloat(ByteBuffer& out, double v, char fmt) {
  if (std::isnan(v)) {
    out.append("NaN", 3);
    return;
  }
  if (std::isinf(v)) {
    out.append(v > 0 ? "+Inf" : "-Inf", 4);
    return;
  }
  if (v == 0) {
    if (std::signbit(v)) out.push('-');
    out.append(fmt == 'e' ? "0e+00" : "0", fmt == 'e' ? 5 : 1);
    return;
  }
  const Digits g = shortestDigits(v);
  if (v < 0) out.push('-');
  switch (fmt) {
    case 'e': appendE(out, g); break;
    case 'g': (g.exp < -4 || g.exp >= 6) ? appendE(out, g) : appendF(out, g); break;
    default: appendF(out, g); break;
  }
}

bool appendJsoniterFloat64(ByteBuffer& out, double v) {
  if (!std::isfinite(v)) return false;
  const double a = std::fabs(v);
  if (a != 0 && (a < 1e-6 || a >= 1e21)) {
    appendGoFloat(out, v, 'e');
    return true;
  }
  if (appendIntegral(out, v)) return true;
  appendGoFloat(out, v, 'f');
  return true;
}

}  // namespace ddsim::serializer
