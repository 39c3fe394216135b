#pragma once
// Where a metric came from (the agent's MetricSource, pkg/metrics/metricsource.go) and the origin
// metadata the serializer writes for it into v2 series and sketches (spec §5.6).
// The enumerators keep the agent's order (the ordinal is the agent's uint16 value). The table below
// is data reproduced from the agent at the spec's snapshot (Agent 7.57): for each source its
// String() name and its origin category/service (pkg/serializer/internal/metrics/origin_mapping.go).
// Everything here is constexpr/inline and thread-safe.
#include <array>
#include <cstdint>
#include <string_view>

namespace ddsim::metrics {

enum class MetricSource : uint16_t {
  kUnknown = 0,
  kDogstatsd = 1,
  kJmxCustom = 2,
  kActivemq = 3,
  kCassandra = 4,
  kConfluentPlatform = 5,
  kHazelcast = 6,
  kHive = 7,
  kHivemq = 8,
  kHudi = 9,
  kIgnite = 10,
  kJbossWildfly = 11,
  kKafka = 12,
  kPresto = 13,
  kSolr = 14,
  kSonarqube = 15,
  kTomcat = 16,
  kWeblogic = 17,
  kInternal = 18,
  kContainer = 19,
  kContainerd = 20,
  kCri = 21,
  kDocker = 22,
  kNtp = 23,
  kSystemd = 24,
  kHelm = 25,
  kKubernetesAPIServer = 26,
  kKubernetesStateCore = 27,
  kOrchestrator = 28,
  kWinproc = 29,
  kFileHandle = 30,
  kWinkmem = 31,
  kIo = 32,
  kUptime = 33,
  kSbom = 34,
  kMemory = 35,
  kTCPQueueLength = 36,
  kOomKill = 37,
  kContainerLifecycle = 38,
  kJetson = 39,
  kContainerImage = 40,
  kCPU = 41,
  kLoad = 42,
  kDisk = 43,
  kNetwork = 44,
  kSnmp = 45,
  kZenohRouter = 46,
  kZabbix = 47,
  kWayfinder = 48,
  kVespa = 49,
  kUpsc = 50,
  kUpboundUxp = 51,
  kUnifiConsole = 52,
  kUnbound = 53,
  kTraefik = 54,
  kTidb = 55,
  kSyncthing = 56,
  kStorm = 57,
  kStardog = 58,
  kSpeedtest = 59,
  kSortdb = 60,
  kSonarr = 61,
  kSnmpwalk = 62,
  kSendmail = 63,
  kScalr = 64,
  kRiakRepl = 65,
  kRedpanda = 66,
  kRedisenterprise = 67,
  kRedisSentinel = 68,
  kRebootRequired = 69,
  kRadarr = 70,
  kPurefb = 71,
  kPurefa = 72,
  kPuma = 73,
  kPortworx = 74,
  kPing = 75,
  kPihole = 76,
  kPhpOpcache = 77,
  kPhpApcu = 78,
  kOpenPolicyAgent = 79,
  kOctoprint = 80,
  kNvml = 81,
  kNs1 = 82,
  kNnSdwan = 83,
  kNextcloud = 84,
  kNeutrona = 85,
  kNeo4j = 86,
  kMergify = 87,
  kLogstash = 88,
  kLighthouse = 89,
  kKernelcare = 90,
  kJfrogPlatformSelfHosted = 91,
  kHikaricp = 92,
  kGrpcCheck = 93,
  kGoPprofScraper = 94,
  kGnatsdStreaming = 95,
  kGnatsd = 96,
  kGitea = 97,
  kGatekeeper = 98,
  kFluentbit = 99,
  kFilemage = 100,
  kFilebeat = 101,
  kFiddler = 102,
  kExim = 103,
  kEventstore = 104,
  kEmqx = 105,
  kCyral = 106,
  kCybersixgillActionableAlerts = 107,
  kCloudsmith = 108,
  kCloudnatix = 109,
  kCfssl = 110,
  kBind9 = 111,
  kAwsPricing = 112,
  kAqua = 113,
  kKubernetesClusterAutoscaler = 114,
  kTraefikMesh = 115,
  kWeaviate = 116,
  kTorchserve = 117,
  kTemporal = 118,
  kTeleport = 119,
  kTekton = 120,
  kStrimzi = 121,
  kRay = 122,
  kNvidiaTriton = 123,
  kKarpenter = 124,
  kFluxcd = 125,
  kEsxi = 126,
  kDcgm = 127,
  kDatadogClusterAgent = 128,
  kCloudera = 129,
  kArgoWorkflows = 130,
  kArgoRollouts = 131,
  kActiveDirectory = 132,
  kActivemqXML = 133,
  kAerospike = 134,
  kAirflow = 135,
  kAmazonMsk = 136,
  kAmbari = 137,
  kApache = 138,
  kArangodb = 139,
  kArgocd = 140,
  kAspdotnet = 141,
  kAviVantage = 142,
  kAzureIotEdge = 143,
  kBoundary = 144,
  kBtrfs = 145,
  kCacti = 146,
  kCalico = 147,
  kCassandraNodetool = 148,
  kCeph = 149,
  kCertManager = 150,
  kCilium = 151,
  kCitrixHypervisor = 152,
  kClickhouse = 153,
  kCloudFoundryAPI = 154,
  kCockroachdb = 155,
  kConsul = 156,
  kCoredns = 157,
  kCouch = 158,
  kCouchbase = 159,
  kCrio = 160,
  kDirectory = 161,
  kDNSCheck = 162,
  kDotnetclr = 163,
  kDruid = 164,
  kEcsFargate = 165,
  kEksFargate = 166,
  kElastic = 167,
  kEnvoy = 168,
  kEtcd = 169,
  kExchangeServer = 170,
  kExternalDNS = 171,
  kFluentd = 172,
  kFoundationdb = 173,
  kGearmand = 174,
  kGitlab = 175,
  kGitlabRunner = 176,
  kGlusterfs = 177,
  kGoExpvar = 178,
  kGunicorn = 179,
  kHaproxy = 180,
  kHarbor = 181,
  kHdfsDatanode = 182,
  kHdfsNamenode = 183,
  kHTTPCheck = 184,
  kHyperv = 185,
  kIbmAce = 186,
  kIbmDb2 = 187,
  kIbmI = 188,
  kIbmMq = 189,
  kIbmWas = 190,
  kIis = 191,
  kImpala = 192,
  kIstio = 193,
  kKafkaConsumer = 194,
  kKong = 195,
  kKubeAPIserverMetrics = 196,
  kKubeControllerManager = 197,
  kKubeDNS = 198,
  kKubeMetricsServer = 199,
  kKubeProxy = 200,
  kKubeScheduler = 201,
  kKubelet = 202,
  kKubernetesState = 203,
  kKyototycoon = 204,
  kLighttpd = 205,
  kLinkerd = 206,
  kLinuxProcExtras = 207,
  kMapr = 208,
  kMapreduce = 209,
  kMarathon = 210,
  kMarklogic = 211,
  kMcache = 212,
  kMesosMaster = 213,
  kMesosSlave = 214,
  kMongo = 215,
  kMysql = 216,
  kNagios = 217,
  kNfsstat = 218,
  kNginx = 219,
  kNginxIngressController = 220,
  kOpenldap = 221,
  kOpenmetrics = 222,
  kOpenstack = 223,
  kOpenstackController = 224,
  kOracle = 225,
  kPdhCheck = 226,
  kPgbouncer = 227,
  kPhpFpm = 228,
  kPostfix = 229,
  kPostgres = 230,
  kPowerdnsRecursor = 231,
  kProcess = 232,
  kPrometheus = 233,
  kProxysql = 234,
  kPulsar = 235,
  kRabbitmq = 236,
  kRedisdb = 237,
  kRethinkdb = 238,
  kRiak = 239,
  kRiakcs = 240,
  kSapHana = 241,
  kScylla = 242,
  kSilk = 243,
  kSinglestore = 244,
  kSnowflake = 245,
  kSpark = 246,
  kSqlserver = 247,
  kSquid = 248,
  kSSHCheck = 249,
  kStatsd = 250,
  kSupervisord = 251,
  kSystemCore = 252,
  kSystemSwap = 253,
  kTCPCheck = 254,
  kTeamcity = 255,
  kTeradata = 256,
  kTLS = 257,
  kTokumx = 258,
  kTrafficServer = 259,
  kTwemproxy = 260,
  kTwistlock = 261,
  kVarnish = 262,
  kVault = 263,
  kVertica = 264,
  kVllm = 265,
  kVoltdb = 266,
  kVsphere = 267,
  kWin32EventLog = 268,
  kWindowsPerformanceCounters = 269,
  kWindowsService = 270,
  kWmiCheck = 271,
  kYarn = 272,
  kZk = 273,
};
inline constexpr int kNumMetricSources = 274;

// Origin metadata constants (spec §5.6).
inline constexpr uint32_t kOriginProductAgent = 10;
inline constexpr uint32_t kOriginCategoryDogstatsd = 10;
inline constexpr uint32_t kOriginCategoryIntegration = 11;

struct MetricSourceInfo {
  std::string_view name;     // the agent's MetricSource.String() ("<unknown>" for kUnknown)
  uint8_t origin_category;   // 0, 10 (DogStatsD) or 11 (JMX, core checks, integrations)
  uint16_t origin_service;   // the agent's OriginService value (0 = unset)
};

// Indexed by the enumerator's value.
inline constexpr std::array<MetricSourceInfo, kNumMetricSources> kMetricSourceTable = {{
    {"<unknown>", 0, 0},  // kUnknown
    {"dogstatsd", 10, 0},  // kDogstatsd
    {"jmx-custom-check", 11, 9},  // kJmxCustom
    {"activemq", 11, 12},  // kActivemq
    {"cassandra", 11, 28},  // kCassandra
    {"confluent_platform", 11, 40},  // kConfluentPlatform
    {"hazelcast", 11, 70},  // kHazelcast
    {"hive", 11, 73},  // kHive
    {"hivemq", 11, 74},  // kHivemq
    {"hudi", 11, 76},  // kHudi
    {"ignite", 11, 83},  // kIgnite
    {"jboss_wildfly", 11, 87},  // kJbossWildfly
    {"kafka", 11, 90},  // kKafka
    {"presto", 11, 130},  // kPresto
    {"solr", 11, 147},  // kSolr
    {"sonarqube", 11, 148},  // kSonarqube
    {"tomcat", 11, 163},  // kTomcat
    {"weblogic", 11, 172},  // kWeblogic
    {"internal", 11, 212},  // kInternal
    {"container", 11, 180},  // kContainer
    {"containerd", 11, 181},  // kContainerd
    {"cri", 11, 182},  // kCri
    {"docker", 11, 183},  // kDocker
    {"ntp", 11, 184},  // kNtp
    {"systemd", 11, 185},  // kSystemd
    {"helm", 11, 186},  // kHelm
    {"kubernetes_apiserver", 11, 187},  // kKubernetesAPIServer
    {"kubernetes_state_core", 11, 188},  // kKubernetesStateCore
    {"orchestrator", 11, 189},  // kOrchestrator
    {"winproc", 11, 190},  // kWinproc
    {"file_handle", 11, 191},  // kFileHandle
    {"winkmem", 11, 192},  // kWinkmem
    {"io", 11, 193},  // kIo
    {"uptime", 11, 194},  // kUptime
    {"sbom", 11, 195},  // kSbom
    {"memory", 11, 196},  // kMemory
    {"tcp_queue_length", 11, 197},  // kTCPQueueLength
    {"oom_kill", 11, 198},  // kOomKill
    {"container_lifecycle", 11, 199},  // kContainerLifecycle
    {"jetson", 11, 200},  // kJetson
    {"container_image", 11, 201},  // kContainerImage
    {"cpu", 11, 202},  // kCPU
    {"load", 11, 203},  // kLoad
    {"disk", 11, 48},  // kDisk
    {"network", 11, 114},  // kNetwork
    {"snmp", 11, 145},  // kSnmp
    {"zenoh_router", 11, 399},  // kZenohRouter
    {"zabbix", 11, 398},  // kZabbix
    {"wayfinder", 11, 397},  // kWayfinder
    {"vespa", 11, 396},  // kVespa
    {"upsc", 11, 395},  // kUpsc
    {"upbound_uxp", 11, 394},  // kUpboundUxp
    {"unifi_console", 11, 393},  // kUnifiConsole
    {"unbound", 11, 392},  // kUnbound
    {"traefik", 11, 391},  // kTraefik
    {"tidb", 11, 390},  // kTidb
    {"syncthing", 11, 389},  // kSyncthing
    {"storm", 11, 388},  // kStorm
    {"stardog", 11, 387},  // kStardog
    {"speedtest", 11, 386},  // kSpeedtest
    {"sortdb", 11, 385},  // kSortdb
    {"sonarr", 11, 384},  // kSonarr
    {"snmpwalk", 11, 383},  // kSnmpwalk
    {"sendmail", 11, 382},  // kSendmail
    {"scalr", 11, 381},  // kScalr
    {"riak_repl", 11, 380},  // kRiakRepl
    {"redpanda", 11, 379},  // kRedpanda
    {"redisenterprise", 11, 378},  // kRedisenterprise
    {"redis_sentinel", 11, 377},  // kRedisSentinel
    {"reboot_required", 11, 376},  // kRebootRequired
    {"radarr", 11, 375},  // kRadarr
    {"purefb", 11, 374},  // kPurefb
    {"purefa", 11, 373},  // kPurefa
    {"puma", 11, 372},  // kPuma
    {"portworx", 11, 371},  // kPortworx
    {"ping", 11, 370},  // kPing
    {"pihole", 11, 369},  // kPihole
    {"php_opcache", 11, 368},  // kPhpOpcache
    {"php_apcu", 11, 367},  // kPhpApcu
    {"open_policy_agent", 11, 366},  // kOpenPolicyAgent
    {"octoprint", 11, 365},  // kOctoprint
    {"nvml", 11, 364},  // kNvml
    {"ns1", 11, 363},  // kNs1
    {"nn_sdwan", 11, 362},  // kNnSdwan
    {"nextcloud", 11, 361},  // kNextcloud
    {"neutrona", 11, 360},  // kNeutrona
    {"neo4j", 11, 359},  // kNeo4j
    {"mergify", 11, 358},  // kMergify
    {"logstash", 11, 357},  // kLogstash
    {"lighthouse", 11, 356},  // kLighthouse
    {"kernelcare", 11, 355},  // kKernelcare
    {"jfrog_platform_self_hosted", 11, 354},  // kJfrogPlatformSelfHosted
    {"hikaricp", 11, 353},  // kHikaricp
    {"grpc_check", 11, 352},  // kGrpcCheck
    {"go_pprof_scraper", 11, 351},  // kGoPprofScraper
    {"gnatsd_streaming", 11, 350},  // kGnatsdStreaming
    {"gnatsd", 11, 349},  // kGnatsd
    {"gitea", 11, 348},  // kGitea
    {"gatekeeper", 11, 347},  // kGatekeeper
    {"fluentbit", 11, 346},  // kFluentbit
    {"filemage", 11, 345},  // kFilemage
    {"filebeat", 11, 344},  // kFilebeat
    {"fiddler", 11, 343},  // kFiddler
    {"exim", 11, 342},  // kExim
    {"eventstore", 11, 341},  // kEventstore
    {"emqx", 11, 340},  // kEmqx
    {"cyral", 11, 339},  // kCyral
    {"cybersixgill_actionable_alerts", 11, 338},  // kCybersixgillActionableAlerts
    {"cloudsmith", 11, 337},  // kCloudsmith
    {"cloudnatix", 11, 336},  // kCloudnatix
    {"cfssl", 11, 335},  // kCfssl
    {"bind9", 11, 334},  // kBind9
    {"aws_pricing", 11, 333},  // kAwsPricing
    {"aqua", 11, 332},  // kAqua
    {"kubernetes_cluster_autoscaler", 11, 331},  // kKubernetesClusterAutoscaler
    {"traefik_mesh", 11, 330},  // kTraefikMesh
    {"weaviate", 11, 329},  // kWeaviate
    {"torchserve", 11, 328},  // kTorchserve
    {"temporal", 11, 327},  // kTemporal
    {"teleport", 11, 326},  // kTeleport
    {"tekton", 11, 325},  // kTekton
    {"strimzi", 11, 324},  // kStrimzi
    {"ray", 11, 323},  // kRay
    {"nvidia_triton", 11, 322},  // kNvidiaTriton
    {"karpenter", 11, 321},  // kKarpenter
    {"fluxcd", 11, 320},  // kFluxcd
    {"esxi", 11, 319},  // kEsxi
    {"dcgm", 11, 318},  // kDcgm
    {"datadog_cluster_agent", 11, 317},  // kDatadogClusterAgent
    {"cloudera", 11, 316},  // kCloudera
    {"argo_workflows", 11, 315},  // kArgoWorkflows
    {"argo_rollouts", 11, 314},  // kArgoRollouts
    {"active_directory", 11, 10},  // kActiveDirectory
    {"activemq_xml", 11, 11},  // kActivemqXML
    {"aerospike", 11, 13},  // kAerospike
    {"airflow", 11, 14},  // kAirflow
    {"amazon_msk", 11, 15},  // kAmazonMsk
    {"ambari", 11, 16},  // kAmbari
    {"apache", 11, 17},  // kApache
    {"arangodb", 11, 18},  // kArangodb
    {"argocd", 11, 19},  // kArgocd
    {"aspdotnet", 11, 20},  // kAspdotnet
    {"avi_vantage", 11, 21},  // kAviVantage
    {"azure_iot_edge", 11, 22},  // kAzureIotEdge
    {"boundary", 11, 23},  // kBoundary
    {"btrfs", 11, 24},  // kBtrfs
    {"cacti", 11, 25},  // kCacti
    {"calico", 11, 26},  // kCalico
    {"cassandra_nodetool", 11, 27},  // kCassandraNodetool
    {"ceph", 11, 29},  // kCeph
    {"cert_manager", 11, 30},  // kCertManager
    {"cilium", 11, 34},  // kCilium
    {"citrix_hypervisor", 11, 36},  // kCitrixHypervisor
    {"clickhouse", 11, 37},  // kClickhouse
    {"cloud_foundry_api", 11, 38},  // kCloudFoundryAPI
    {"cockroachdb", 11, 39},  // kCockroachdb
    {"consul", 11, 41},  // kConsul
    {"coredns", 11, 42},  // kCoredns
    {"couch", 11, 43},  // kCouch
    {"couchbase", 11, 44},  // kCouchbase
    {"crio", 11, 45},  // kCrio
    {"directory", 11, 47},  // kDirectory
    {"dns_check", 11, 49},  // kDNSCheck
    {"dotnetclr", 11, 50},  // kDotnetclr
    {"druid", 11, 51},  // kDruid
    {"ecs_fargate", 11, 52},  // kEcsFargate
    {"eks_fargate", 11, 53},  // kEksFargate
    {"elastic", 11, 54},  // kElastic
    {"envoy", 11, 55},  // kEnvoy
    {"etcd", 11, 56},  // kEtcd
    {"exchange_server", 11, 57},  // kExchangeServer
    {"external_dns", 11, 58},  // kExternalDNS
    {"fluentd", 11, 60},  // kFluentd
    {"foundationdb", 11, 61},  // kFoundationdb
    {"gearmand", 11, 62},  // kGearmand
    {"gitlab", 11, 64},  // kGitlab
    {"gitlab_runner", 11, 63},  // kGitlabRunner
    {"glusterfs", 11, 65},  // kGlusterfs
    {"go_expvar", 11, 66},  // kGoExpvar
    {"gunicorn", 11, 67},  // kGunicorn
    {"haproxy", 11, 68},  // kHaproxy
    {"harbor", 11, 69},  // kHarbor
    {"hdfs_datanode", 11, 71},  // kHdfsDatanode
    {"hdfs_namenode", 11, 72},  // kHdfsNamenode
    {"http_check", 11, 75},  // kHTTPCheck
    {"hyperv", 11, 77},  // kHyperv
    {"ibm_ace", 11, 78},  // kIbmAce
    {"ibm_db2", 11, 79},  // kIbmDb2
    {"ibm_i", 11, 80},  // kIbmI
    {"ibm_mq", 11, 81},  // kIbmMq
    {"ibm_was", 11, 82},  // kIbmWas
    {"iis", 11, 84},  // kIis
    {"impala", 11, 85},  // kImpala
    {"istio", 11, 86},  // kIstio
    {"kafka_consumer", 11, 89},  // kKafkaConsumer
    {"kong", 11, 91},  // kKong
    {"kube_apiserver_metrics", 11, 92},  // kKubeAPIserverMetrics
    {"kube_controller_manager", 11, 93},  // kKubeControllerManager
    {"kube_dns", 11, 94},  // kKubeDNS
    {"kube_metrics_server", 11, 95},  // kKubeMetricsServer
    {"kube_proxy", 11, 96},  // kKubeProxy
    {"kube_scheduler", 11, 97},  // kKubeScheduler
    {"kubelet", 11, 98},  // kKubelet
    {"kubernetes_state", 11, 99},  // kKubernetesState
    {"kyototycoon", 11, 100},  // kKyototycoon
    {"lighttpd", 11, 101},  // kLighttpd
    {"linkerd", 11, 102},  // kLinkerd
    {"linux_proc_extras", 11, 103},  // kLinuxProcExtras
    {"mapr", 11, 104},  // kMapr
    {"mapreduce", 11, 105},  // kMapreduce
    {"marathon", 11, 106},  // kMarathon
    {"marklogic", 11, 107},  // kMarklogic
    {"mcache", 11, 108},  // kMcache
    {"mesos_master", 11, 109},  // kMesosMaster
    {"mesos_slave", 11, 110},  // kMesosSlave
    {"mongo", 11, 111},  // kMongo
    {"mysql", 11, 112},  // kMysql
    {"nagios", 11, 113},  // kNagios
    {"nfsstat", 11, 115},  // kNfsstat
    {"nginx", 11, 117},  // kNginx
    {"nginx_ingress_controller", 11, 116},  // kNginxIngressController
    {"openldap", 11, 118},  // kOpenldap
    {"openmetrics", 11, 119},  // kOpenmetrics
    {"openstack", 11, 121},  // kOpenstack
    {"openstack_controller", 11, 120},  // kOpenstackController
    {"oracle", 11, 122},  // kOracle
    {"pdh_check", 11, 124},  // kPdhCheck
    {"pgbouncer", 11, 125},  // kPgbouncer
    {"php_fpm", 11, 126},  // kPhpFpm
    {"postfix", 11, 127},  // kPostfix
    {"postgres", 11, 128},  // kPostgres
    {"powerdns_recursor", 11, 129},  // kPowerdnsRecursor
    {"process", 11, 131},  // kProcess
    {"prometheus", 11, 132},  // kPrometheus
    {"proxysql", 11, 133},  // kProxysql
    {"pulsar", 11, 134},  // kPulsar
    {"rabbitmq", 11, 135},  // kRabbitmq
    {"redisdb", 11, 136},  // kRedisdb
    {"rethinkdb", 11, 137},  // kRethinkdb
    {"riak", 11, 138},  // kRiak
    {"riakcs", 11, 139},  // kRiakcs
    {"sap_hana", 11, 140},  // kSapHana
    {"scylla", 11, 141},  // kScylla
    {"silk", 11, 143},  // kSilk
    {"singlestore", 11, 144},  // kSinglestore
    {"snowflake", 11, 146},  // kSnowflake
    {"spark", 11, 149},  // kSpark
    {"sqlserver", 11, 150},  // kSqlserver
    {"squid", 11, 151},  // kSquid
    {"ssh_check", 11, 152},  // kSSHCheck
    {"statsd", 11, 153},  // kStatsd
    {"supervisord", 11, 154},  // kSupervisord
    {"system_core", 11, 155},  // kSystemCore
    {"system_swap", 11, 156},  // kSystemSwap
    {"tcp_check", 11, 157},  // kTCPCheck
    {"teamcity", 11, 158},  // kTeamcity
    {"teradata", 11, 160},  // kTeradata
    {"tls", 11, 161},  // kTLS
    {"tokumx", 11, 162},  // kTokumx
    {"traffic_server", 11, 164},  // kTrafficServer
    {"twemproxy", 11, 165},  // kTwemproxy
    {"twistlock", 11, 166},  // kTwistlock
    {"varnish", 11, 167},  // kVarnish
    {"vault", 11, 168},  // kVault
    {"vertica", 11, 169},  // kVertica
    {"vllm", 11, 412},  // kVllm
    {"voltdb", 11, 170},  // kVoltdb
    {"vsphere", 11, 171},  // kVsphere
    {"win32_event_log", 11, 173},  // kWin32EventLog
    {"windows_performance_counters", 11, 174},  // kWindowsPerformanceCounters
    {"windows_service", 11, 175},  // kWindowsService
    {"wmi_check", 11, 176},  // kWmiCheck
    {"yarn", 11, 177},  // kYarn
    {"zk", 11, 178},  // kZk
}};

constexpr const MetricSourceInfo& metricSourceInfo(MetricSource s) {
  const auto i = static_cast<size_t>(s);
  return i < kMetricSourceTable.size() ? kMetricSourceTable[i] : kMetricSourceTable[0];
}
constexpr std::string_view metricSourceName(MetricSource s) { return metricSourceInfo(s).name; }
// The origin_category written in v2 series / sketch metadata (0 = omitted on the wire).
constexpr uint32_t originCategory(MetricSource s) { return metricSourceInfo(s).origin_category; }
// The origin_service written in v2 series / sketch metadata (0 = omitted on the wire).
constexpr uint32_t originService(MetricSource s) { return metricSourceInfo(s).origin_service; }

// The source of a check's metrics from the check name (the agent's CheckNameToMetricSource):
// the check name equals the source's name, except "telemetry" -> kInternal. JMX sources,
// kDogstatsd and kJmxCustom are never returned; unknown names give kUnknown.
constexpr MetricSource checkNameToMetricSource(std::string_view check_name) {
  if (check_name == "telemetry") return MetricSource::kInternal;
  for (size_t i = static_cast<size_t>(MetricSource::kInternal) + 1; i < kMetricSourceTable.size(); ++i) {
    if (kMetricSourceTable[i].name == check_name) return static_cast<MetricSource>(i);
  }
  return MetricSource::kUnknown;
}

// The source of a JMX check's metrics (the agent's JMXCheckNameToMetricSource): one of the JMX
// integrations by name, else kJmxCustom. DogStatsD metrics tagged dd.internal.jmx_check_name:<c>
// take this source (spec §5.6).
constexpr MetricSource jmxCheckNameToMetricSource(std::string_view check_name) {
  for (size_t i = static_cast<size_t>(MetricSource::kActivemq); i < static_cast<size_t>(MetricSource::kInternal); ++i) {
    if (kMetricSourceTable[i].name == check_name) return static_cast<MetricSource>(i);
  }
  return MetricSource::kJmxCustom;
}

}  // namespace ddsim::metrics
