#pragma once
// Status and Result<T>: how fallible core calls report errors. No exception crosses a core API.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace ddsim::common {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad input: malformed packet, payload, scenario, config
  kNotFound,
  kAlreadyExists,
  kOutOfRange,       // a limit was exceeded (item too big, payload full, ...)
  kResourceExhausted,
  kFailedPrecondition,  // e.g. "the forwarder is not started", "demultiplexer is stopped"
  kUnavailable,         // transport / network errors
  kDeadlineExceeded,
  kIoError,
  kDataLoss,            // corrupt or truncated data
  kInternal,
};

const char* statusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return Status(); }
  bool isOk() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return isOk(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "<CodeName>: <message>" or "OK".
  std::string toString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status invalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status notFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status failedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status outOfRange(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }
inline Status unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status ioError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
inline Status dataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status internalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).isOk() && "Result built from an OK status");
  }

  bool isOk() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return isOk(); }
  const Status& status() const {
    static const Status kOk;
    return isOk() ? kOk : std::get<Status>(v_);
  }
  T& value() & { assert(isOk()); return std::get<T>(v_); }
  const T& value() const& { assert(isOk()); return std::get<T>(v_); }
  // By value: `for (auto& x : f().value())` then keeps what it loops over alive (a reference
  // into the temporary Result would dangle).
  T value() && { assert(isOk()); return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace ddsim::common
