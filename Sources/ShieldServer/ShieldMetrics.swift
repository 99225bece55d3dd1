internal import CoreMetrics
internal import Metrics
internal import Prometheus
internal import Synchronization

/// The server's metrics, recorded through swift-metrics into a Prometheus registry of its own
/// (not the process-global `MetricsSystem`, so several servers in one test process stay apart).
///
/// - `mcp_shield_decisions_total{decision, rule, server, surface}`
/// - `mcp_shield_evaluation_duration_seconds` (histogram): time in the decision function
/// - `mcp_shield_http_request_duration_seconds{route, method, status}` (histogram)
/// - `mcp_shield_audit_write_failures_total`
///
/// Label values that a client chooses (the server name) are capped at ``maxServerLabels``
/// distinct values, after which they are counted as `other`: a client cannot grow the
/// registry without bound.
public final class ShieldMetrics: Sendable {
    public static let maxServerLabels = 64

    let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    let evaluation: Metrics.Timer
    let auditFailures: CoreMetrics.Counter
    private let servers = Mutex<Set<String>>([])
    /// Metric objects by their label values, made once: creating one per request costs a
    /// registry lookup under a lock and the label arrays.
    private let counters = Mutex<[[String]: CoreMetrics.Counter]>([:])
    private let timers = Mutex<[[String]: Metrics.Timer]>([:])

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(5), .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250),
            .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        ]
        self.factory = factory
        evaluation = Metrics.Timer(label: "mcp_shield_evaluation_duration_seconds", dimensions: [], factory: factory)
        auditFailures = CoreMetrics.Counter(label: "mcp_shield_audit_write_failures_total", dimensions: [], factory: factory)
    }

    /// Counts one decision.
    func decision(verdict: String, rule: String?, server: String, surface: String, evaluationNanoseconds: Int64) {
        let serverLabel = servers.withLock { known -> String in
            if known.contains(server) { return server }
            guard known.count < Self.maxServerLabels else { return "other" }
            known.insert(server)
            return server
        }
        let labels = [verdict, rule ?? "none", serverLabel, surface]
        let counter = counters.withLock { cache in
            if let counter = cache[labels] { return counter }
            let counter = CoreMetrics.Counter(
                label: "mcp_shield_decisions_total",
                dimensions: [("decision", labels[0]), ("rule", labels[1]), ("server", labels[2]), ("surface", labels[3])], factory: factory)
            cache[labels] = counter
            return counter
        }
        counter.increment()
        evaluation.recordNanoseconds(evaluationNanoseconds)
    }

    func auditFailure() {
        auditFailures.increment()
    }

    /// Records one HTTP request's latency.
    func request(route: String, method: String, status: Int, since start: ContinuousClock.Instant) {
        let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
        let method = knownMethods.contains(method) ? method : "other"
        let elapsed = ContinuousClock.now - start
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        let labels = [route, method, String(status)]
        let timer = timers.withLock { cache in
            if let timer = cache[labels] { return timer }
            let timer = Metrics.Timer(
                label: "mcp_shield_http_request_duration_seconds", dimensions: [("route", labels[0]), ("method", labels[1]), ("status", labels[2])],
                factory: factory)
            cache[labels] = timer
            return timer
        }
        timer.recordNanoseconds(nanoseconds)
    }

    /// The Prometheus text exposition.
    public func exposition() -> String {
        registry.emitToString()
    }
}
