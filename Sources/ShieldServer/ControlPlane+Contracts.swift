internal import Hummingbird
internal import ShieldAudit
internal import ShieldCore

/// `GET /contracts` and `POST /contracts/approve`: the pins the proxies recorded, and approving
/// what is waiting, as `mcp-shield pins` and `mcp-shield approve` do.
extension ControlPlane {
    func pinStore() throws -> any ContractStore {
        guard let contracts else { throw APIError(.notImplemented, "not_implemented", "this server keeps no contract pins") }
        return contracts
    }

    /// `{"servers": [{"key", "name", "identity", "executable_sha256", "waiting", "pins": [...]}]}`,
    /// most recently seen first. Pins waiting for approval carry their diff and findings.
    func listContracts() throws -> Response {
        let store = try pinStore()
        var servers: [JSONValue] = []
        for server in try store.servers() {
            let pins = try store.pins(serverKey: server.key)
            servers.append(
                .object([
                    ("key", .string(server.key)), ("name", .string(server.name)),
                    ("identity", (try? JSONParser.parse(server.identity)) ?? .string(server.identity)),
                    ("executable_sha256", server.executableSHA256.map(JSONValue.string) ?? .null),
                    ("waiting", .number(String(pins.filter { $0.status != .approved }.count))),
                    ("pins", .array(pins.map(Self.json))),
                ]))
        }
        return Response.json(.object([("servers", .array(servers))]))
    }

    static func json(_ pin: ContractPin) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("kind", .string(pin.kind.rawValue)), ("name", .string(pin.name)),
            ("status", .string(pin.removedMilliseconds == nil ? pin.status.rawValue : "removed")),
            ("observed_ms", .number(String(pin.observedMilliseconds))),
            ("approved_ms", pin.approvedMilliseconds.map { .number(String($0)) } ?? .null),
        ]
        if pin.status != .approved {
            members.append(("diff", .array(pin.diff.map(JSONValue.string))))
            let definition = try? JSONParser.parse(pin.observed)
            let findings = definition.map { PoisoningDetector.findings(in: $0, kind: pin.kind, otherTools: []) } ?? []
            members.append(
                (
                    "findings",
                    .array(
                        findings.map {
                            .object([
                                ("rule", .string($0.rule)), ("field", .string($0.field)), ("excerpt", .string($0.excerpt)),
                                ("detail", .string($0.detail)),
                            ])
                        })
                ))
        }
        return .object(members)
    }

    /// `{"server": KEY, "kind"?, "name"?}` approves what the server has waiting (one contract, one
    /// kind, or everything) and records each approval; `{"approved": [...]}`.
    func approveContracts(_ request: Request) async throws -> Response {
        let store = try pinStore()
        var request = request
        let body = try await request.jsonObject(limit: configuration.maxBodyBytes)
        guard case .string(let key)? = body["server"] else {
            throw APIError(
                .badRequest, body["server"] == nil ? "missing_field" : "invalid_field", "\"server\" must be the server's key (GET /contracts)")
        }
        var kind: Contract.Kind?
        if let value = body["kind"], value != .null {
            guard case .string(let text) = value, let parsed = Contract.Kind(rawValue: text) else {
                throw APIError(
                    .badRequest, "invalid_field", "\"kind\" must be one of \(Contract.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kind = parsed
        }
        var name: String?
        if let value = body["name"], value != .null {
            guard case .string(let text) = value else { throw APIError(.badRequest, "invalid_field", "\"name\" must be a string") }
            name = text
        }
        guard let server = try store.servers().first(where: { $0.key == key }) else {
            throw APIError(.notFound, "not_found", "no pinned server with key \(key)")
        }
        let now = AuditClock.nowMilliseconds()
        let approved = try store.approve(serverKey: key, kind: kind, name: name, nowMilliseconds: now)
        let entries = approved.map {
            AuditEntry.approval(of: $0, server: server, surface: .api, session: requestID(request), nowMilliseconds: now)
        }
        for entry in entries { _ = try await writer.record(entry) }
        return Response.json(.object([("approved", .array(approved.map(Self.json)))]))
    }
}
