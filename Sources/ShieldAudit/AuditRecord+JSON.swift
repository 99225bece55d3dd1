internal import Foundation
public import ShieldCore

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// The JSON form of records and stats: what `GET /audit`, `GET /events` and `mcp-shield audit
/// --json` print, and what `mcp-shield audit --url` reads back.
extension AuditRecord {
    public var json: JSONValue {
        let e = entry
        let arguments = (try? JSONParser.parse(e.redactedArguments)) ?? .string(e.redactedArguments)
        return .object([
            ("id", .number(String(sequence))),
            ("timestamp", .string(AuditTime.iso8601(milliseconds: e.timeMilliseconds))),
            ("time_ms", .number(String(e.timeMilliseconds))),
            ("surface", .string(e.surface.rawValue)),
            ("server", .string(e.server)),
            ("tool", .string(e.tool)),
            ("policy", .string(e.policy)),
            ("decision", .string(e.decision.rawValue)),
            ("blocked", .bool(e.decision == .block)),
            ("rule", e.rule.map(JSONValue.string) ?? .null),
            ("reason", .string(e.reason)),
            ("path", e.path.map(JSONValue.string) ?? .null),
            ("arguments", arguments),
            ("arguments_sha256", .string(e.argumentsDigest)),
            ("redactions", .number(String(e.redactions))),
            ("truncated", .bool(e.truncated)),
            ("session", e.session.map(JSONValue.string) ?? .null),
            ("latency_us", .number(AuditTime.microseconds(e.latencyNanoseconds))),
            ("hash", .string(hash)),
            ("prev_hash", .string(previousHash)),
        ])
    }

    /// Reads the JSON form back (for `mcp-shield audit --url`).
    public init(json: JSONValue) throws(AuditError) {
        func string(_ key: String) throws(AuditError) -> String {
            guard case .string(let value)? = json[key] else { throw AuditError("record: \"\(key)\" is missing or not a string") }
            return value
        }
        func optionalString(_ key: String) throws(AuditError) -> String? {
            switch json[key] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            default: throw AuditError("record: \"\(key)\" is not a string")
            }
        }
        func integer(_ key: String) throws(AuditError) -> Int64 {
            guard case .number(let text)? = json[key], let value = Int64(text) else { throw AuditError("record: \"\(key)\" is not an integer") }
            return value
        }
        guard let surface = AuditSurface(rawValue: try string("surface")), let decision = Decision.Verdict(rawValue: try string("decision")) else {
            throw AuditError("record: unknown surface or decision")
        }
        var latency: Int64 = 0
        if case .number(let text)? = json["latency_us"], let micros = Double(text) { latency = Int64(micros * 1000) }
        let truncated: Bool = if case .bool(true)? = json["truncated"] { true } else { false }
        self.init(
            sequence: try integer("id"),
            entry: AuditEntry(
                timeMilliseconds: try integer("time_ms"), surface: surface, server: try string("server"), tool: try string("tool"),
                policy: try string("policy"), decision: decision, rule: try optionalString("rule"), reason: try string("reason"),
                path: try optionalString("path"), argumentsDigest: try string("arguments_sha256"),
                redactedArguments: json["arguments"]?.jsonText ?? "null", redactions: Int(try integer("redactions")), truncated: truncated,
                session: try optionalString("session"), latencyNanoseconds: latency),
            previousHash: try string("prev_hash"), hash: try string("hash"))
    }
}

extension AuditStats {
    public var json: JSONValue {
        .object([
            ("total", .number(String(total))),
            ("allowed", .number(String(allowed))),
            ("blocked", .number(String(blocked))),
            ("by_rule", .array(blockedByRule.map { .object([("rule", .string($0.name)), ("count", .number(String($0.count)))]) })),
            (
                "by_server",
                .array(
                    byServer.map {
                        .object([("server", .string($0.name)), ("total", .number(String($0.total))), ("blocked", .number(String($0.blocked)))])
                    })
            ),
            ("by_tool", .array(blockedByTool.map { .object([("tool", .string($0.name)), ("count", .number(String($0.count)))]) })),
            (
                "timeline",
                .array(
                    timeline.map {
                        .object([
                            ("minute", .number(String($0.minuteMilliseconds))), ("total", .number(String($0.total))),
                            ("blocked", .number(String($0.blocked))),
                        ])
                    })
            ),
        ])
    }
}

extension AuditVerification {
    public var json: JSONValue {
        .object([
            ("intact", .bool(isIntact)),
            ("checked", .number(String(checked))),
            ("first", first.map { .number(String($0)) } ?? .null),
            ("last", last.map { .number(String($0)) } ?? .null),
            ("pruned", .number(String(pruned))),
            ("problems", .array(problems.map { .string($0.description) })),
        ])
    }
}

/// Times as the audit log shows them.
public enum AuditTime {
    /// `2026-11-25T15:04:05.123Z`.
    public static func iso8601(milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let millis = Int32(milliseconds % 1000)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(millis, 3))Z"
    }

    /// Reads `since` values: RFC 3339 / ISO 8601 date-times (`2026-11-25T15:04:05Z`, with optional
    /// fraction and offset), dates (`2026-11-25`, midnight UTC), or Unix seconds.
    public static func parse(_ text: String) -> Int64? {
        if !text.isEmpty, text.utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }), let seconds = Int64(text), seconds < 1 << 40 {
            return seconds * 1000
        }
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime], [.withFullDate],
        ] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        }
        return nil
    }

    static func microseconds(_ nanoseconds: Int64) -> String {
        let tenths = (nanoseconds + 50) / 100
        return "\(tenths / 10).\(tenths % 10)"
    }
}
