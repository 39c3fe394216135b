#pragma once
// Options of the DogStatsD intake, named after the agent's configuration keys with the agent's
// defaults (spec §10, pkg/config/setup/config.go). The config layer maps datadog.yaml onto these.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ddsim::dogstatsd {

// Where a packet came from. Decides which `dogstatsd_eol_required` entry applies (spec §8.1).
enum class Transport : uint8_t { kUdp = 0, kUds = 1, kUdsStream = 2, kNamedPipe = 3, kInproc = 4 };
const char* transportName(Transport t);

// The agent's StandardStatsdPrefixes (pkg/config/setup/standard_names.go): the default of
// `statsd_metric_namespace_blacklist`.
std::vector<std::string> standardStatsdPrefixes();

// How one message is parsed (spec §8.2-8.4).
struct ParserOptions {
  // dogstatsd_no_aggregation_pipeline: `|T<ts>` is read only when true; otherwise ignored.
  bool read_timestamps = true;
  // dogstatsd_origin_detection_client: read the `c:` and `e:` fields.
  bool origin_detection_client = false;
  // ddsim extension, not an agent key. The agent accepts any sample rate and any timestamp
  // >= 1, and does not check UTF-8. When true, a metric whose sample rate is not in (0, 1],
  // whose timestamp is after year 3000, or whose name or tags are not valid UTF-8 is rejected
  // (and counted by reason). Off = the agent's behaviour; the same cases are then only counted.
  bool reject_absurd_values = false;
};

// How a parsed message is enriched (spec §8.2, comp/dogstatsd/server/enrich.go).
struct EnrichOptions {
  // The agent's hostname (hostname.Get()): host of samples without a `host:` tag.
  std::string default_hostname;
  // statsd_metric_namespace: prefixed to every name (a '.' is appended when missing).
  std::string metric_namespace;
  // statsd_metric_namespace_blacklist: names starting with one of these are not prefixed.
  std::vector<std::string> namespace_blacklist = standardStatsdPrefixes();
  // statsd_metric_blocklist / statsd_metric_blocklist_match_prefix: names (after the
  // namespace) that are dropped.
  std::vector<std::string> metric_blocklist;
  bool metric_blocklist_match_prefix = false;
  // dogstatsd_tags: appended to every metric, event and service check (sorted, deduplicated).
  std::vector<std::string> extra_tags;
  // histogram_copy_to_distribution(_prefix): every histogram sample is also sent as a
  // distribution named <prefix><name>.
  bool histogram_copy_to_distribution = false;
  std::string histogram_copy_to_distribution_prefix;
  // Serverless mode: samples get an empty host whatever their `host:` tag says.
  bool serverless = false;
};

// One parsing worker: framing, parser, enrichment, batching (spec §8.1, §3.5).
struct ProcessorOptions {
  ParserOptions parser;
  EnrichOptions enrich;
  // dogstatsd_eol_required: transports ("udp", "uds", "named_pipe") whose packets must end
  // every message with '\n'; an unterminated tail is discarded (UnterminatedMetricErrors).
  std::vector<std::string> eol_required;
  // dogstatsd_string_interner_size: names built by enrichment (namespace, histogram copy) are
  // interned; the interner is emptied when it holds this many strings.
  size_t string_interner_size = 4096;
  // Samples handed to the sink per call (the agent's MetricSamplePoolBatchSize, spec §3.1).
  size_t sample_batch_size = 32;
  // ddsim (issue 15): bytes of the worker's context cache (raw name and tags -> resolved
  // context, see context_cache.h); 0 turns it off. Everything it holds is forgotten every
  // context_cache_max_age_seconds (the aggregator's dogstatsd_context_expiry_seconds), so it
  // never keeps contexts the aggregator has expired for longer than that.
  size_t context_cache_bytes = size_t{32} << 20;
  double context_cache_max_age_seconds = 20;
};

// What to do with a batch of packets when the queue to the workers is full.
enum class QueueFullPolicy : uint8_t {
  kDrop,   // ddsim default: drop the batch at once, counted as "queue_full"; the reader never waits
  kBlock,  // agent behaviour: the reader waits; the kernel drops (counted via SO_RXQ_OVFL)
};

// How the datagram reader threads are scheduled (ddsim.dogstatsd_listener_priority).
enum class ListenerPriority : uint8_t {
  kNormal,    // like every other thread
  kRealtime,  // SCHED_FIFO 1 when permitted, else a short EEVDF slice (see docs/dogstatsd-ingest.md)
};

// The listeners and workers of a DogStatsD server (comp/dogstatsd/server, listeners).
struct ServerOptions {
  // dogstatsd_port: UDP port; 0 disables UDP; kRandomPort binds an ephemeral port (the agent's
  // "__random__").
  static constexpr int kRandomPort = -1;
  int port = 8125;
  // bind_host: the UDP address when non_local_traffic is false (agent default "localhost").
  std::string bind_host = "localhost";
  // dogstatsd_non_local_traffic: listen on every interface.
  bool non_local_traffic = false;
  // dogstatsd_socket: Unix datagram socket path; "" disables it.
  std::string socket_path = "/var/run/datadog/dsd.socket";
  // dogstatsd_stream_socket: Unix stream socket path (length-prefixed frames); "" disables it.
  std::string stream_socket_path;
  // dogstatsd_buffer_size: bytes per packet buffer; longer datagrams are truncated.
  size_t buffer_size = 8192;
  // dogstatsd_packet_buffer_size: packets per batch handed to a worker (one recvmmsg call).
  size_t packet_buffer_size = 32;
  // dogstatsd_queue_size: batches queued between the readers and the workers.
  size_t queue_size = 1024;
  // ddsim.dogstatsd_queue_max_bytes: most heap bytes of batches queued between the readers
  // and the workers (the agent bounds the queue in batches only). A batch that does not fit is
  // dropped and counted as queue_full, so overload never grows memory past this.
  size_t queue_max_bytes = size_t{32} << 20;
  // dogstatsd_so_rcvbuf: SO_RCVBUF of the sockets; 0 keeps the kernel default. When root, a
  // value above net.core.rmem_max is applied with SO_RCVBUFFORCE.
  int so_rcvbuf = 0;
  // dogstatsd_workers_count: parsing threads; 0 = the agent's formula
  // max(2, vCPUs - 1 - dogstatsd_pipeline_count), capped at the usable CPUs (server.h).
  int workers_count = 0;
  // dogstatsd_pipeline_count: only used by the worker formula above.
  int pipeline_count = 1;
  // dogstatsd_origin_detection: SO_PASSCRED on Unix sockets; the sender's pid is recorded in
  // captures (there is no tagger in ddsim, so no origin tags are added).
  bool origin_detection = false;
  // ddsim extension: what a reader does when the worker queue is full. The default never
  // makes a reader wait on the workers (and so on the aggregator, serializer or forwarder).
  QueueFullPolicy queue_full_policy = QueueFullPolicy::kDrop;
  // ddsim.dogstatsd_listener_priority: a datagram reader preempts the workers and the flush
  // as soon as data arrives, so the socket buffer is drained even on one busy core.
  ListenerPriority listener_priority = ListenerPriority::kRealtime;
  // ddsim.dogstatsd_read_coalesce: after a read that emptied a datagram socket, its reader
  // waits up to this long before reading again (0 = not at all; less the fuller the read was),
  // so that at high rates one wake-up reads many datagrams instead of one. Must stay well
  // below the time the receive buffer takes to fill (about 1 ms at 3M lines/s with the
  // default 208 KiB, less while a sender catches up).
  int read_coalesce_us = 100;
  // ddsim.dogstatsd_queue_full_pause: after a datagram reader had to drop a batch because the
  // worker queue was full, it stops reading for this long (0 = not at all). The workers are
  // behind: what arrives meanwhile is dropped by the kernel (counted as kernel_drops) at no
  // cost to this process, instead of being read and copied only to be dropped. On a saturated
  // core that copying took the CPU the workers needed, so overload processed fewer lines than
  // the highest rate without loss. The reader still reads a batch per pause, so a held worker
  // never stops it for longer than this. A Unix stream reader does not drop on a full queue:
  // it keeps its batch, waits this long and offers it again, so the sender meets backpressure
  // through the socket and nothing is lost (counted as stream_queue_full_waits); with 0 it
  // drops as a datagram reader does.
  int queue_full_pause_us = 1000;
  // ddsim.dogstatsd_worker_reads: a worker that finds the queue empty reads a datagram socket
  // itself (never waiting: a try-lock) instead of sleeping until the reader wakes. On a busy
  // core this turns two thread switches per read into none.
  bool worker_reads = true;
  // ddsim.dogstatsd_reader_watch: with worker_reads, the reader thread reads only when the
  // socket has gone this long without being emptied (by a worker or by itself).
  int reader_watch_us = 200;
  // ddsim extension: most Unix stream connections served at once; more are refused (counted).
  size_t max_stream_connections = 64;
  ProcessorOptions processor;
};

}  // namespace ddsim::dogstatsd
