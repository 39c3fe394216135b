#pragma once
// A run of the simulated Lambda: which extension, which function, the invocation pattern, the
// environments' policy and the expectations. Read from a plan file (plan_loader.h) or built
// from `ddsim lambda` flags; docs/lambda.md documents every key.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "simulator/lambda/environment.h"

namespace ddsim::lambda {

struct InvocationPattern {
  int64_t count = 1;
  double rate = 0;                 // arrivals per second; 0: back to back
  bool poisson = false;            // exponential gaps with mean 1/rate instead of fixed ones
  std::vector<double> arrivals;    // seconds after start; when set, it fixes count and ignores rate
  double duration_min_ms = 10;     // each invocation's duration is uniform in [min, max]
  double duration_max_ms = 10;
  std::vector<int64_t> timeouts;       // invocation indexes whose function overruns the timeout
  std::vector<int64_t> out_of_memory;  // ... that run out of memory
  std::vector<int64_t> errors;         // ... that return an error
  std::vector<int64_t> intake_outage;  // ... during which the intake holds requests, then answers 503
  int max_memory_used_mb = 64;
};

struct EnvironmentPolicy {
  int concurrency = 1;             // at most this many environments at once
  int64_t max_invocations = 0;     // an environment spins down after this many (0: never)
  bool freeze = true;
  double init_timeout_s = 10;
  double shutdown_timeout_s = 2;
  std::string final_shutdown_reason = "spindown";  // SHUTDOWN sent to every environment at the end
  int port_stride = 10;            // environment i's DogStatsD/trace ports are base + i * stride
};

// Bounds on one report total (either may be absent).
struct Bound {
  std::optional<double> min;
  std::optional<double> max;
};

// The API key sources the extension can be given, served by AwsFake (aws_fake.h).
struct AwsKeys {
  std::string kms_api_key;        // plaintext: DD_KMS_API_KEY gets its ciphertext
  bool kms_with_context = true;   // encrypted with the LambdaFunctionName encryption context
  std::string secret_api_key;     // plaintext: DD_API_KEY_SECRET_ARN names a secret holding it
  bool enabled() const { return !kms_api_key.empty() || !secret_api_key.empty(); }
};

struct Plan {
  std::string name = "lambda";
  std::string source;  // the file it came from, "" for flags
  std::string description;
  uint64_t seed = 1;
  std::vector<std::string> extension;  // argv
  std::vector<std::string> env;        // NAME=value
  std::string extension_log;
  bool record_intake = true;           // point DD_DD_URL & co. at a recording intake
  FunctionConfig function;
  InvocationPattern invocations;
  EnvironmentPolicy environments;
  RuntimeScript runtime;
  AwsKeys aws;
  std::map<std::string, Bound> expect;  // by total name (lambda_report.h)
};

}  // namespace ddsim::lambda
