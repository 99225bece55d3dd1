internal import Foundation
internal import HTTPTypes
public import Hummingbird
public import Logging
public import ServiceLifecycle
public import ShieldAudit
internal import ShieldCore
public import ShieldSandbox
internal import Synchronization

/// How `mcp-shield serve` listens and whom it serves.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Bearer token for everything but `/health`; required to bind a non-loopback address.
    public var token: String?
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes: Int
    /// How `/sandbox/*` finds and launches sandboxes; `nil`: those endpoints answer 501.
    public var sandboxes: SandboxSupport?

    public init(
        host: String = "127.0.0.1", port: Int = 8000, token: String? = nil, maxBodyBytes: Int = 1 << 20, sandboxes: SandboxSupport? = nil
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.maxBodyBytes = maxBodyBytes
        self.sandboxes = sandboxes
    }

    /// What the sandbox endpoints need.
    public struct SandboxSupport: Sendable {
        /// The running sandboxes (beside the audit database).
        public var registry: SandboxRegistry
        /// The `mcp-shield` binary a launch runs (`mcp-shield proxy --sandbox … --listen …`).
        public var executable: String
        /// The audit database launched proxies record to.
        public var database: String
        /// The policy directory launched proxies use.
        public var policyDirectory: String?
        /// The environment launched proxies start with.
        public var environment: [String: String]

        public init(registry: SandboxRegistry, executable: String, database: String, policyDirectory: String?, environment: [String: String]) {
            self.registry = registry
            self.executable = executable
            self.database = database
            self.policyDirectory = policyDirectory
            self.environment = environment
        }
    }

    /// Whether `host` is a loopback address or `localhost`.
    public var isLoopback: Bool {
        AccessMiddleware<BasicRequestContext>.isLoopbackAuthority(host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host)
    }

    /// Refuses configurations that would expose the control plane.
    public func validate() throws(APIError) {
        if !isLoopback, token?.isEmpty ?? true {
            throw APIError(
                .badRequest, "configuration",
                "refusing to listen on \(host) without a token: anyone who can reach it could read the audit log (use --token or MCP_SHIELD_TOKEN)")
        }
        if let token, token.utf8.count < 16 || !token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: ";") }) {
            throw APIError(.badRequest, "configuration", "the token must be at least 16 printable ASCII characters, without spaces or \";\"")
        }
        guard (0...65535).contains(port) else { throw APIError(.badRequest, "configuration", "port \(port) is out of range") }
        guard maxBodyBytes > 0 else { throw APIError(.badRequest, "configuration", "the body limit must be positive") }
    }
}

/// The HTTP control plane: the original API (`/health`, `/inspect`, `/audit`, `/audit/stats`,
/// `/risk/score`, `/sandbox/*`), the OpenAPI document and its reference page, Prometheus metrics,
/// the live event stream and the dashboard.
///
/// Every decision goes through ``DecisionEngine/evaluate(_:)`` and is answered only after its
/// audit record is committed.
public struct ControlPlane: Sendable {
    public let configuration: ServerConfiguration
    public let engines: PolicyEngines
    public let writer: AuditWriter
    public let store: any AuditStore
    public let metrics: ShieldMetrics
    public let feed: EventFeed
    /// The contract pins (`/contracts`), when the server has them (the SQLite default keeps them
    /// in the audit database).
    public let contracts: (any ContractStore)?

    public init(configuration: ServerConfiguration, engines: PolicyEngines, store: any AuditStore, contracts: (any ContractStore)? = nil) {
        self.configuration = configuration
        self.contracts = contracts
        self.engines = engines
        self.store = store
        writer = AuditWriter(store: store)
        metrics = ShieldMetrics()
        feed = EventFeed(store: store)
    }

    /// The router with every endpoint and middleware.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: AccessMiddleware(token: configuration.token, loopbackOnly: configuration.isLoopback))

        router.get("/health") { _, _ in Response.json(.object([("status", .string("ok"))])) }
        router.post("/inspect") { request, _ in try await inspect(request) }
        router.get("/audit") { request, _ in try await auditLog(request) }
        router.get("/audit/stats") { request, _ in try await auditStats(request) }
        router.get("/audit/verify") { _, _ in Response.json(try await store.verify().json) }
        router.get("/audit/{id}") { _, context in
            let text = context.parameters.get("id") ?? ""
            guard text.utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }), let id = Int64(text), id > 0 else {
                throw APIError(.badRequest, "invalid_parameter", "id must be a positive integer")
            }
            guard let record = try await store.record(sequence: id) else { throw APIError(.notFound, "not_found", "no audit record \(id)") }
            return Response.json(record.json)
        }
        router.post("/risk/score") { request, _ in try await riskScore(request) }
        router.post("/sandbox/launch") { request, _ in try await launchSandbox(request) }
        router.post("/sandbox/stop/{name}") { _, context in
            let sandboxes = try Self.sandboxSupport(configuration)
            let name = context.parameters.get("name") ?? ""
            do {
                let entry = try sandboxes.registry.stop(name)
                return Response.json(.object([("stopped", entry.json)]))
            } catch {
                throw APIError(.notFound, "not_found", "\(error)")
            }
        }
        router.get("/sandbox/list") { _, _ in
            let sandboxes = try Self.sandboxSupport(configuration)
            return Response.json(.object([("sandboxes", .array(sandboxes.registry.list().map(\.json)))]))
        }
        router.get("/contracts") { _, _ in try listContracts() }
        router.post("/contracts/approve") { request, _ in try await approveContracts(request) }
        router.get("/events") { request, _ in try await events(request) }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        router.get("/openapi.json") { _, _ in Response.asset(PackageResources.openapi_json, contentType: "application/json") }
        router.get("/docs") { _, _ in Response.asset(PackageResources.docs_html, contentType: "text/html; charset=utf-8") }
        router.get("/docs/app.js") { _, _ in Response.asset(PackageResources.docs_js, contentType: "text/javascript; charset=utf-8") }
        router.get("/dashboard") { _, _ in Response.asset(PackageResources.dashboard_html, contentType: "text/html; charset=utf-8") }
        router.get("/dashboard/app.js") { _, _ in Response.asset(PackageResources.dashboard_js, contentType: "text/javascript; charset=utf-8") }
        router.get("/dashboard/app.css") { _, _ in Response.asset(PackageResources.dashboard_css, contentType: "text/css; charset=utf-8") }
        return router
    }

    static func sandboxSupport(_ configuration: ServerConfiguration) throws(APIError) -> ServerConfiguration.SandboxSupport {
        guard let sandboxes = configuration.sandboxes else {
            throw APIError(.notImplemented, "not_implemented", "this server was started without sandbox support")
        }
        return sandboxes
    }

    /// Serves until cancelled (SIGINT/SIGTERM through the service lifecycle).
    public func run(logger: Logger? = nil, onRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }) async throws {
        try configuration.validate()
        let app = Application(
            router: router(),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "mcp-shield"),
            services: [WriterService(writer: writer), FeedService(feed: feed)],
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger ?? Logger(label: "mcp-shield")
        )
        try await app.runService()
    }

    // MARK: Endpoints

    /// `POST /inspect`: `{"server_name", "policy"?, "tool_call": {"tool_name", "arguments"}}`.
    func inspect(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
        let server = try body.requiredString("server_name")
        let requestedPolicy = try body.optionalString("policy")
        guard let toolCall = body["tool_call"] else { throw APIError(.badRequest, "missing_field", "\"tool_call\" is required") }
        let call: ToolCall
        do {
            call = try ToolCall(params: toolCall)
        } catch {
            throw APIError(.badRequest, "invalid_field", "\"tool_call\": \(error)")
        }
        let engine: DecisionEngine
        do {
            engine = try engines.engine(requested: requestedPolicy, server: server)
        } catch {
            switch error {
            case .unknown(let name):
                throw APIError(
                    .notFound, "unknown_policy",
                    "no policy named \(JSONValue.quoted(name)) (available: \(engines.catalog.names.joined(separator: ", ")))")
            case .bound(let server, let policy, let requested):
                throw APIError(
                    .forbidden, "policy_bound",
                    "server \(JSONValue.quoted(server)) is bound to policy \(JSONValue.quoted(policy)); refusing to evaluate it under \(JSONValue.quoted(requested))"
                )
            case .invalid(let error):
                throw APIError(.internalServerError, "policy_invalid", "the policy cannot be used: \(error)")
            }
        }
        let start = ContinuousClock.now
        let decision = engine.evaluate(call)
        let elapsed = ContinuousClock.now - start
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        let policyName = engine.policy.name
        metrics.decision(
            verdict: decision.verdict.rawValue, rule: decision.rule, server: server, surface: "api", evaluationNanoseconds: nanoseconds)
        let entry = AuditEntry(
            call: call, decision: decision, surface: .api, server: server, policy: policyName, session: requestID(request),
            latencyNanoseconds: nanoseconds)
        let record: AuditRecord
        do {
            record = try await writer.record(entry)
        } catch {
            // An unrecorded decision is not given out.
            metrics.auditFailure()
            throw APIError(.serviceUnavailable, "audit_unavailable", "the decision could not be recorded: \(error)")
        }
        var response = Response.json(
            .object([
                ("server", .string(server)),
                ("tool", .string(call.name)),
                ("policy", .string(policyName)),
                ("decision", .string(decision.verdict.rawValue)),
                ("reason", .string(decision.reason)),
                ("blocked", .bool(decision.isBlocked)),
                ("rule", decision.rule.map(JSONValue.string) ?? .null),
                ("path", decision.path.map(JSONValue.string) ?? .null),
                ("audit_id", .number(String(record.sequence))),
            ]))
        response.headers[Self.requestIDHeader] = entry.session
        return response
    }

    static var requestIDHeader: HTTPField.Name { HTTPField.Name("X-Request-Id")! }

    /// The caller's `X-Request-Id` (printable ASCII, at most 128 bytes), else a fresh one.
    func requestID(_ request: Request) -> String {
        if let given = request.headers[Self.requestIDHeader], !given.isEmpty, given.utf8.count <= 128,
            given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f })
        {
            return given
        }
        return RequestIDs.next()
    }

    /// `GET /audit?limit=&offset=&decision=&server=&tool=&since=`.
    func auditLog(_ request: Request) async throws -> Response {
        let limit = try QueryValue.integer(request.query("limit"), name: "limit", default: 100, range: 1...1000, clamp: true)
        let offset = try QueryValue.integer(request.query("offset"), name: "offset", default: 0, range: 0...Int(Int32.max), clamp: false)
        var query = AuditQuery(limit: limit, offset: offset)
        if let decision = request.query("decision") {
            guard let verdict = Decision.Verdict(rawValue: decision.uppercased()) else {
                throw APIError(.badRequest, "invalid_parameter", "decision must be ALLOW or BLOCK, found \(JSONValue.quoted(decision))")
            }
            query.decision = verdict
        }
        query.server = request.query("server")
        query.tool = request.query("tool")
        query.sinceMilliseconds = try since(request)
        let records = try await store.records(query)
        return Response.json(.object([("logs", .array(records.map(\.json)))]))
    }

    func since(_ request: Request) throws(APIError) -> Int64? {
        guard let text = request.query("since") else { return nil }
        guard let milliseconds = AuditTime.parse(text) else {
            throw APIError(
                .badRequest, "invalid_parameter",
                "since must be an ISO 8601 date-time (2026-11-25T15:04:05Z) or Unix seconds, found \(JSONValue.quoted(text))")
        }
        return milliseconds
    }

    /// `GET /audit/stats?since=&minutes=`.
    func auditStats(_ request: Request) async throws -> Response {
        let minutes = try QueryValue.integer(request.query("minutes"), name: "minutes", default: 60, range: 1...1440, clamp: true)
        let stats = try await store.stats(sinceMilliseconds: try since(request), timelineMinutes: minutes)
        return Response.json(stats.json)
    }

    /// `POST /risk/score` with `{"tool_names": [...]}` (the original's shape), or full tool
    /// definitions: `{"tools": [...]}` as `tools/list` returns them. Definitions are also scanned
    /// for poisoning; a finding makes the tool HIGH.
    func riskScore(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
        if body["tools"] == nil {
            guard case .array(let items)? = body["tool_names"] else {
                throw APIError(
                    .badRequest, body["tool_names"] == nil ? "missing_field" : "invalid_field",
                    "\"tool_names\" must be an array of strings (or give \"tools\": tool definitions)")
            }
            for item in items {
                guard case .string = item else {
                    throw APIError(.badRequest, "invalid_field", "\"tool_names\" must hold strings only, found \(item.typeName)")
                }
            }
        }
        guard let definitions = RiskScorer.definitions(from: body) else {
            throw APIError(.badRequest, "invalid_field", "\"tools\" must be an array of tool definitions, each an object with a string \"name\"")
        }
        return Response.json(RiskScorer.score(definitions: definitions, findings: RiskScorer.poisoningFindings(in: definitions)).json)
    }

    /// `POST /sandbox/launch`: `{"name", "sandbox", "command": [...], "server_name"?, "policy"?,
    /// "image"?, "bind_ro"?: [...]}` starts `mcp-shield proxy --sandbox … --listen …` in the
    /// background; `201 {"sandbox": {...}}` once it runs. Launching runs a command on this
    /// machine, so it needs the server to have a token (every other endpoint works without one on
    /// loopback).
    func launchSandbox(_ request: Request) async throws -> Response {
        let sandboxes = try Self.sandboxSupport(configuration)
        guard configuration.token != nil else {
            throw APIError(
                .forbidden, "token_required", "launching a sandbox runs a command on this machine: start serve with --token (or MCP_SHIELD_TOKEN)")
        }
        var request = request
        let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
        let name = try body.requiredString("name")
        guard SandboxRegistry.isValidName(name) else {
            throw APIError(.badRequest, "invalid_field", "\"name\" must be letters, digits, - _ . (at most 64, not starting with .)")
        }
        let kindText = try body.requiredString("sandbox")
        guard let kind = SandboxKind(rawValue: kindText) else {
            throw APIError(
                .badRequest, "invalid_field", "\"sandbox\" must be one of \(SandboxKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let command = try Self.strings(body, "command", required: true)
        guard !command.isEmpty, !command[0].isEmpty else { throw APIError(.badRequest, "invalid_field", "\"command\" must not be empty") }
        var arguments = ["--sandbox", kind.rawValue, "--db", sandboxes.database]
        if let directory = sandboxes.policyDirectory { arguments += ["--policy-dir", directory] }
        if let server = try body.optionalString("server_name") { arguments += ["--server-name", server] }
        if let policy = try body.optionalString("policy") { arguments += ["--policy", policy] }
        if let image = try body.optionalString("image") { arguments += ["--image", image] }
        for path in try Self.strings(body, "bind_ro", required: false) {
            guard path.hasPrefix("/") else { throw APIError(.badRequest, "invalid_field", "\"bind_ro\" takes absolute paths") }
            arguments += ["--bind-ro", path]
        }
        arguments += ["--"] + command
        let launch = arguments
        let result: Result<SandboxRegistry.Entry, SandboxError> = await withCheckedContinuation { continuation in
            // Launching waits for the proxy to register: a thread of its own, not the server's.
            Thread.detachNewThread {
                do throws(SandboxError) {
                    let entry = try SandboxLauncher.launch(
                        executable: sandboxes.executable, name: name, proxyArguments: launch, registry: sandboxes.registry,
                        environment: sandboxes.environment)
                    continuation.resume(returning: .success(entry))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        switch result {
        case .success(let entry): return Response.json(.object([("sandbox", entry.json)]), status: .created)
        case .failure(let error): throw APIError(.unprocessableContent, "launch_failed", error.description)
        }
    }

    static func strings(_ body: JSONValue, _ key: String, required: Bool) throws(APIError) -> [String] {
        guard let value = body[key] else {
            if required { throw APIError(.badRequest, "missing_field", "\"\(key)\" is required") }
            return []
        }
        guard case .array(let items) = value else { throw APIError(.badRequest, "invalid_field", "\"\(key)\" must be an array of strings") }
        return try items.map { item throws(APIError) in
            guard case .string(let text) = item else { throw APIError(.badRequest, "invalid_field", "\"\(key)\" must hold strings only") }
            return text
        }
    }

    /// `GET /events`: Server-Sent Events, one `decision` event per record. Resumes after
    /// `Last-Event-ID` or `?after=`; without either it starts with the next decision.
    func events(_ request: Request) async throws -> Response {
        let resumeText = request.headers[.lastEventID] ?? request.query("after")
        var resume: Int64?
        if let resumeText {
            guard let value = Int64(resumeText), value >= 0 else {
                throw APIError(.badRequest, "invalid_parameter", "after must be a record id, found \(JSONValue.quoted(resumeText))")
            }
            resume = value
        }
        let stream = feed.subscribe()  // before reading the backlog, so nothing falls between them
        let start: Int64
        if let resume { start = resume } else { start = try await store.lastSequence() }
        let backlog = try await store.records(after: start, limit: 1000)
        let store = store
        let feed = feed
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: ResponseBody { writer in
                var sent = start
                var buffer = ByteBuffer(string: "retry: 1000\n\n")
                for record in backlog {
                    Self.appendEvent(record, to: &buffer)
                    sent = record.sequence
                }
                try await writer.write(buffer)
                // A backlog longer than one page: keep reading the store until caught up.
                if backlog.count == 1000 {
                    while true {
                        let more = try await store.records(after: sent, limit: 1000)
                        guard !more.isEmpty else { break }
                        var page = ByteBuffer()
                        for record in more {
                            Self.appendEvent(record, to: &page)
                            sent = record.sequence
                        }
                        try await writer.write(page)
                    }
                }
                // The stream ends when the server shuts down: an open dashboard must not hold the
                // shutdown up (the server waits for its connections before the feed stops).
                try await withGracefulShutdownHandler {
                    for await batch in stream {
                        var out = ByteBuffer()
                        if batch.isEmpty { out.writeString(": ping\n\n") }
                        for record in batch where record.sequence > sent {
                            Self.appendEvent(record, to: &out)
                            sent = record.sequence
                        }
                        if out.readableBytes > 0 { try await writer.write(out) }
                    }
                } onGracefulShutdown: {
                    feed.finishAll()
                }
                try await writer.finish(nil)
            })
    }

    static func appendEvent(_ record: AuditRecord, to buffer: inout ByteBuffer) {
        // jsonText escapes every control character, so the data is one line.
        buffer.writeString("id: \(record.sequence)\nevent: decision\ndata: \(record.json.jsonText)\n\n")
    }
}

/// Commits the audit writer's batches for the lifetime of the application; on shutdown, what
/// is queued is committed before it stops.
public struct WriterService: Service {
    let writer: AuditWriter

    public init(writer: AuditWriter) { self.writer = writer }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await writer.run() }
    }
}

/// Runs the event feed for the lifetime of the application.
struct FeedService: Service {
    let feed: EventFeed

    func run() async throws {
        // Ending the feed ends every open event stream, so shutdown does not wait on them.
        await cancelWhenGracefulShutdown { await feed.run() }
    }
}

/// Request ids for decisions made without an `X-Request-Id`: a random per-process prefix and a
/// counter (`r-3f9c2a1b-42`), unique without the cost of a UUID per request.
enum RequestIDs {
    static let prefix = "r-" + String(UInt32.random(in: .min ... .max), radix: 16) + "-"
    static let counter = Atomic<UInt64>(0)

    static func next() -> String {
        prefix + String(counter.add(1, ordering: .relaxed).newValue)
    }
}
