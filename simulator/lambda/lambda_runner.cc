#include "simulator/lambda/lambda_runner.h"

#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "simulator/lambda/aws_fake.h"
#include "simulator/lambda/delivery.h"
#include "simulator/lambda/intake_recorder.h"
#include "simulator/lambda/loopback_server.h"

namespace ddsim::lambda {

namespace {

bool listed(const std::vector<int64_t>& v, int64_t i) { return std::find(v.begin(), v.end(), i) != v.end(); }

// One environment position in the pool; its index picks its ports.
struct Slot {
  std::unique_ptr<Environment> env;
  std::thread worker;
  bool busy = false;
  bool live = false;
};

}  // namespace

std::vector<InvocationSpec> planInvocations(const Plan& plan) {
  const auto& p = plan.invocations;
  common::Random random(plan.seed);
  std::vector<InvocationSpec> specs;
  double t = 0;
  for (int64_t i = 0; i < p.count; ++i) {
    InvocationSpec s;
    s.index = i;
    if (!p.arrivals.empty()) {
      s.arrival_s = p.arrivals[static_cast<size_t>(i)];
    } else if (p.rate > 0) {
      s.arrival_s = t;
      t += p.poisson ? random.exponential(1.0 / p.rate) : 1.0 / p.rate;
    }
    const double ms = random.uniform(p.duration_min_ms, p.duration_max_ms);
    s.duration = std::chrono::microseconds(static_cast<int64_t>(ms * 1000));
    if (listed(p.timeouts, i)) s.duration = std::chrono::duration_cast<std::chrono::microseconds>(plan.function.timeout) * 2;
    s.out_of_memory = listed(p.out_of_memory, i);
    s.error = listed(p.errors, i);
    s.max_memory_used_mb = p.max_memory_used_mb;
    specs.push_back(s);
  }
  return specs;
}

LambdaReport runPlan(const Plan& plan, common::Clock& clock, const std::atomic<bool>* stop) {
  LambdaReport report;
  report.name = plan.name;
  report.source = plan.source;
  report.seed = plan.seed;
  report.function = plan.function;

  IntakeRecorder intake(clock);
  const bool recording = plan.record_intake && intake.start().isOk();
  // The key sources: KMS and Secrets Manager fakes, and the variables that point the extension
  // at them (before the plan's own, which win).
  AwsFake aws;
  std::vector<std::string> aws_env;
  if (plan.aws.enabled() && aws.start().isOk()) {
    aws_env = {"AWS_ENDPOINT_URL_KMS=" + aws.url(), "AWS_ENDPOINT_URL_SECRETS_MANAGER=" + aws.url(),
               "AWS_ACCESS_KEY_ID=" + aws.options().access_key_id,
               "AWS_SECRET_ACCESS_KEY=" + aws.options().secret_access_key,
               "AWS_SESSION_TOKEN=ddsim-session-token"};
    if (!plan.aws.kms_api_key.empty()) {
      aws_env.push_back("DD_KMS_API_KEY=" +
                        aws.encrypt(plan.aws.kms_api_key, plan.aws.kms_with_context ? plan.function.name : ""));
    }
    if (!plan.aws.secret_api_key.empty()) {
      aws_env.push_back("DD_API_KEY_SECRET_ARN=" + aws.putSecret("ddsim-dd-api-key", plan.aws.secret_api_key));
    }
  }
  const auto& policy = plan.environments;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::unique_ptr<Slot>> slots(static_cast<size_t>(policy.concurrency));
  for (auto& s : slots) s = std::make_unique<Slot>();
  int next_env = 0;

  auto makeEnvironment = [&](size_t position) {
    EnvironmentOptions o;
    o.index = next_env++;
    o.extension = plan.extension;
    o.env = aws_env;
    o.env.insert(o.env.end(), plan.env.begin(), plan.env.end());
    o.extension_log = plan.extension_log;
    o.function = plan.function;
    o.runtime = plan.runtime;
    // Port 0: a free one per environment (parallel runs on one machine do not collide).
    o.runtime.dogstatsd_port = o.runtime.dogstatsd_port == 0 ? freeLoopbackPort(SOCK_DGRAM)
                                                             : o.runtime.dogstatsd_port + static_cast<int>(position) * policy.port_stride;
    o.runtime.trace_port = o.runtime.trace_port == 0 ? freeLoopbackPort(SOCK_STREAM)
                                                     : o.runtime.trace_port + static_cast<int>(position) * policy.port_stride;
    o.freeze = policy.freeze;
    o.init_limit = std::chrono::milliseconds(static_cast<int64_t>(policy.init_timeout_s * 1000));
    o.shutdown_limit = std::chrono::milliseconds(static_cast<int64_t>(policy.shutdown_timeout_s * 1000));
    o.intake_url = recording ? intake.url() : "";
    o.seed = plan.seed * 1000003 + static_cast<uint64_t>(o.index);
    return std::make_unique<Environment>(std::move(o), recording ? &intake : nullptr, clock);
  };

  const auto run_start = clock.steadyNow();
  for (const InvocationSpec& spec : planInvocations(plan)) {
    if (stop && stop->load()) break;
    const auto arrival = run_start + std::chrono::duration_cast<common::Duration>(
                                         std::chrono::duration<double>(spec.arrival_s));
    for (auto now = clock.steadyNow(); now < arrival; now = clock.steadyNow()) {
      std::this_thread::sleep_for(std::min<common::Duration>(arrival - now, std::chrono::milliseconds(50)));
      if (stop && stop->load()) break;
    }
    Slot* slot = nullptr;
    size_t position = 0;
    bool fresh = false;
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] {
        return std::any_of(slots.begin(), slots.end(), [](const auto& s) { return !s->busy; });
      });
      // A warm idle environment first; else a free position gets a new one.
      for (size_t i = 0; i < slots.size() && !slot; ++i) {
        if (!slots[i]->busy && slots[i]->live) slot = slots[i].get(), position = i;
      }
      for (size_t i = 0; i < slots.size() && !slot; ++i) {
        if (!slots[i]->busy) slot = slots[i].get(), position = i, fresh = true;
      }
      if (!slot) continue;  // unreachable: the wait guarantees an idle position
      slot->busy = true;
    }
    if (slot->worker.joinable()) slot->worker.join();
    const double queue_ms = std::max(0.0, std::chrono::duration<double, std::milli>(clock.steadyNow() - arrival).count());
    if (fresh) {
      if (slot->env) report.environments.push_back(slot->env->record());  // the previous, shut down
      slot->env = makeEnvironment(position);
      slot->live = true;
    }
    slot->worker = std::thread([&, slot, spec, fresh, queue_ms] {
      Environment& env = *slot->env;
      InvocationRecord r;
      std::string reason;
      if (fresh && !env.init()) {
        r.index = spec.index;
        r.environment = env.record().index;
        r.arrival_s = spec.arrival_s;
        r.cold_start = true;
        r.status = "failure";
        r.error_type = "Extension.InitFailed";
        reason = "failure";
      } else {
        if (recording) intake.setOutage(listed(plan.invocations.intake_outage, spec.index));
        r = env.invoke(spec);
        if (r.status == "timeout") reason = "timeout";
        if (r.error_type == "Runtime.OutOfMemory" || r.status == "failure") reason = "failure";
        if (reason.empty() && policy.max_invocations > 0 && env.record().invocations >= policy.max_invocations) {
          reason = "spindown";
        }
      }
      r.queue_ms = queue_ms;
      if (!reason.empty()) env.shutdown(reason);
      std::lock_guard lock(mu);
      report.invocations.push_back(std::move(r));
      if (!reason.empty()) slot->live = false;
      slot->busy = false;
      cv.notify_all();
    });
  }
  for (auto& s : slots) {
    if (s->worker.joinable()) s->worker.join();
  }
  intake.setOutage(false);
  // The final SHUTDOWN to every environment left, at once (each has its own deadline).
  std::vector<std::thread> enders;
  for (auto& s : slots) {
    if (s->env && s->live) enders.emplace_back([&, env = s->env.get()] { env->shutdown(policy.final_shutdown_reason); });
  }
  for (auto& t : enders) t.join();
  for (auto& s : slots) {
    if (s->env) report.environments.push_back(s->env->record());
  }
  report.wall_s = std::chrono::duration<double>(clock.steadyNow() - run_start).count();
  intake.stop();
  const auto requests = intake.requests();
  attributeDeliveries(report.invocations, report.environments, requests);
  report.intake = summarizeIntake(requests, intake.decodeErrors());
  std::sort(report.invocations.begin(), report.invocations.end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
  std::sort(report.environments.begin(), report.environments.end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
  report.totals = computeTotals(report.invocations, report.environments, report.wall_s);
  addIntakeTotals(report.totals, report.intake);
  for (const auto& [op, n] : aws.served()) {
    report.totals[op == "TrentService.Decrypt" ? "kms_decrypts" : "secret_reads"] += static_cast<double>(n);
  }
  for (const auto& [reason, n] : aws.rejected()) report.totals["aws_rejected"] += static_cast<double>(n);
  aws.stop();
  report.expectations = checkExpectations(report.totals, plan.expect);
  return report;
}

}  // namespace ddsim::lambda
