#include "core/dogstatsd/options.h"

namespace ddsim::dogstatsd {

const char* transportName(Transport t) {
  switch (t) {
    case Transport::kUdp: return "udp";
    case Transport::kUds: return "uds";
    case Transport::kUdsStream: return "uds-stream";
    case Transport::kNamedPipe: return "named_pipe";
    case Transport::kInproc: return "inproc";
  }
  return "unknown";
}

std::vector<std::string> standardStatsdPrefixes() {
  return {
      "datadog.agent", "datadog.dogstatsd", "datadog.process", "datadog.trace_agent",
      "datadog.tracer", "activemq", "activemq_58", "airflow", "cassandra", "confluent",
      "hazelcast", "hive", "ignite", "jboss", "jvm", "kafka", "presto", "sidekiq", "solr",
      "tomcat", "runtime",
  };
}

}  // namespace ddsim::dogstatsd
