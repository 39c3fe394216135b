#include "fakeintake/core/time_format.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace ddsim::fakeintake {

namespace {
using namespace std::chrono;

bool parseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}
}  // namespace

std::string formatRfc3339Nano(common::SystemTime t) {
  auto ns_total = duration_cast<nanoseconds>(t.time_since_epoch()).count();
  int64_t secs = ns_total / 1'000'000'000;
  int64_t nanos = ns_total % 1'000'000'000;
  if (nanos < 0) {
    nanos += 1'000'000'000;
    secs -= 1;
  }
  sys_days day = floor<days>(sys_seconds(seconds(secs)));
  year_month_day ymd(day);
  hh_mm_ss<seconds> hms(seconds(secs) - duration_cast<seconds>(day.time_since_epoch()));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  std::string out(buf);
  if (nanos != 0) {
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%09lld", static_cast<long long>(nanos));
    std::string f(frac);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  out += 'Z';
  return out;
}

std::optional<common::SystemTime> parseTimeParam(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.find('T') == std::string_view::npos) {
    double secs = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), secs);
    if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
    return common::fromUnixSeconds(secs);
  }
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)
  if (text.size() < 20) return std::nullopt;
  int y, mo, d, h, mi, s;
  if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  if (!parseInt(text.substr(0, 4), y) || !parseInt(text.substr(5, 2), mo) ||
      !parseInt(text.substr(8, 2), d) || !parseInt(text.substr(11, 2), h) ||
      !parseInt(text.substr(14, 2), mi) || !parseInt(text.substr(17, 2), s)) {
    return std::nullopt;
  }
  year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  size_t i = 19;
  int64_t nanos = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    int digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (digits < 9) {
        nanos = nanos * 10 + (text[i] - '0');
        ++digits;
      }
      ++i;
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 9; ++digits) nanos *= 10;
  }
  if (i >= text.size()) return std::nullopt;
  int offset_minutes = 0;
  if (text[i] == 'Z' || text[i] == 'z') {
    if (i + 1 != text.size()) return std::nullopt;
  } else if (text[i] == '+' || text[i] == '-') {
    int oh, om;
    if (text.size() != i + 6 || text[i + 3] != ':' || !parseInt(text.substr(i + 1, 2), oh) ||
        !parseInt(text.substr(i + 4, 2), om)) {
      return std::nullopt;
    }
    offset_minutes = (oh * 60 + om) * (text[i] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  auto tp = sys_days(ymd) + hours(h) + minutes(mi) + seconds(s) - minutes(offset_minutes);
  return common::SystemTime(duration_cast<common::SystemTime::duration>(tp.time_since_epoch() +
                                                                       nanoseconds(nanos)));
}

}  // namespace ddsim::fakeintake
