import ArgumentParser
import Foundation
import ShieldAudit
import ShieldCore

/// `mcp-shield audit [list] | verify | prune`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read, follow, verify and prune the audit log.",
        subcommands: [List.self, Verify.self, Prune.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show recorded decisions, newest first (with --follow, new ones as they come).")

        @OptionGroup var source: AuditOptions

        @Option(name: .long, help: "How many records (1–1000).")
        var limit = 20

        @Option(name: .long, help: "Only ALLOW or BLOCK.")
        var decision: String?

        @Option(name: .long, help: "Only this server.")
        var server: String?

        @Option(name: .long, help: "Only this tool.")
        var tool: String?

        @Option(name: .long, help: "Only records since this time (ISO 8601 or Unix seconds).")
        var since: String?

        @Flag(name: .long, help: "Keep running and print new records as they are recorded.")
        var follow = false

        @Flag(name: .long, help: "Print one JSON object per record.")
        var json = false

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
            if let decision, Decision.Verdict(rawValue: decision.uppercased()) == nil {
                throw ValidationError("--decision must be ALLOW or BLOCK")
            }
            if let since, AuditTime.parse(since) == nil { throw ValidationError("--since must be an ISO 8601 time or Unix seconds") }
        }

        var query: AuditQuery {
            AuditQuery(
                limit: limit, decision: decision.flatMap { Decision.Verdict(rawValue: $0.uppercased()) }, server: server, tool: tool,
                sinceMilliseconds: since.flatMap(AuditTime.parse))
        }

        func run() async throws {
            let out = Terminal.standardOutput
            let printer = RecordPrinter(out: out, json: json)
            var records: [AuditRecord]
            let client = try source.client()
            if let client {
                var parameters = [("limit", String(limit))]
                if let decision { parameters.append(("decision", decision.uppercased())) }
                if let server { parameters.append(("server", server)) }
                if let tool { parameters.append(("tool", tool)) }
                if let since { parameters.append(("since", since)) }
                guard case .array(let logs)? = try await client.get("/audit", query: parameters)["logs"] else {
                    throw CLIError("the server's /audit answer has no \"logs\" array")
                }
                records = try logs.map { value throws(AuditError) in try AuditRecord(json: value) }
            } else {
                let store = try source.openReadOnly()
                records = try await store.records(query)
            }
            if !json { out.write(printer.header) }
            for record in records.reversed() { out.write(printer.line(record)) }
            try out.finish()
            guard follow else { return }
            // Follow: read what was recorded after the newest record shown, every 200 ms.
            let store = client == nil ? try source.openReadOnly() : nil
            var last: Int64
            if let first = records.first {
                last = first.sequence
            } else if let store {
                last = try await store.lastSequence()
            } else {
                last = try await latest(client!)
            }
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(200))
                let fresh = if let store { try await store.records(after: last, limit: 1000) } else { try await remoteAfter(client!, last) }
                guard let newest = fresh.last else { continue }
                last = newest.sequence
                for record in fresh where matches(record, query) { out.write(printer.line(record)) }
                try out.finish()
            }
        }

        func matches(_ record: AuditRecord, _ query: AuditQuery) -> Bool {
            (query.decision == nil || record.entry.decision == query.decision) && (query.server == nil || record.entry.server == query.server)
                && (query.tool == nil || record.entry.tool == query.tool)
        }

        func latest(_ client: ControlPlaneClient) async throws -> Int64 {
            guard case .array(let logs)? = try await client.get("/audit", query: [("limit", "1")])["logs"], let first = logs.first else { return 0 }
            return try AuditRecord(json: first).sequence
        }

        /// Records after `last` from the server, oldest first (pages of the newest-first log).
        func remoteAfter(_ client: ControlPlaneClient, _ last: Int64) async throws -> [AuditRecord] {
            var collected: [AuditRecord] = []
            var offset = 0
            while true {
                guard case .array(let logs)? = try await client.get("/audit", query: [("limit", "1000"), ("offset", String(offset))])["logs"] else {
                    return []
                }
                let page = try logs.map { value throws(AuditError) in try AuditRecord(json: value) }
                let newer = page.filter { $0.sequence > last }
                collected.append(contentsOf: newer)
                if newer.count < page.count || page.count < 1000 { break }
                offset += 1000
            }
            return collected.reversed()
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the hash chain: report edited, deleted or reordered records and where.",
            discussion: "Exit status: 0 intact, 1 tampering found, 2 error.")

        @OptionGroup var source: AuditOptions

        @Flag(name: .long, help: "Print the result as one JSON object.")
        var json = false

        func run() async throws {
            let out = Terminal.standardOutput
            let result: JSONValue
            if let client = try source.client() {
                result = try await client.get("/audit/verify")
            } else {
                result = try await source.openReadOnly().verify().json
            }
            let intact = result["intact"] == .bool(true)
            if json {
                out.write(result.jsonText + "\n")
            } else {
                let checked = result["checked"].map { $0.jsonText } ?? "0"
                let pruned = result["pruned"].map { $0.jsonText } ?? "0"
                var text = intact ? out.paint("intact", .green) : out.paint("TAMPERED", .red)
                text += ": \(checked) records checked"
                if let first = result["first"], first != .null, let last = result["last"] { text += " (\(first.jsonText)–\(last.jsonText))" }
                if pruned != "0" { text += ", \(pruned) earlier records pruned under a signed checkpoint" }
                text += "\n"
                if case .array(let problems)? = result["problems"] {
                    for problem in problems { text += "  - \(Terminal.sanitize(problem.stringValue ?? problem.jsonText))\n" }
                }
                out.write(text)
            }
            try out.finish()
            if !intact { throw ExitCode(1) }
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete old records, keeping the chain verifiable through a signed checkpoint.")

        @Option(name: .long, help: ArgumentHelp("The audit database.", valueName: "path"))
        var db: String?

        @Option(name: .long, help: "Prune records older than this many days.")
        var retainDays: Int?

        @Option(name: .long, help: "Keep at most this many records.")
        var maxRecords: Int?

        func validate() throws {
            guard retainDays != nil || maxRecords != nil else { throw ValidationError("give --retain-days or --max-records") }
            if let retainDays, retainDays < 1 { throw ValidationError("--retain-days must be at least 1") }
            if let maxRecords, maxRecords < 1 { throw ValidationError("--max-records must be at least 1") }
        }

        func run() async throws {
            let path = db ?? AuditLocation.defaultPath(environment: ProcessInfo.processInfo.environment)
            guard FileManager.default.fileExists(atPath: path) else { throw CLIError("no audit database at \(path)") }
            do {
                let store = try SQLiteAuditStore(path: path)
                let pruned = try await store.prune(
                    AuditRetention(days: retainDays, maxRecords: maxRecords), nowMilliseconds: AuditClock.nowMilliseconds())
                Terminal.standardOutput.write("pruned \(pruned) records\n")
            } catch let error as CLIError {
                throw error
            } catch {
                throw CLIError("\(error)")
            }
            try Terminal.standardOutput.finish()
        }
    }
}

/// `mcp-shield stats`.
struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Decision counts: totals, top blocked rules, tools and servers.")

    @OptionGroup var source: AuditOptions

    @Option(name: .long, help: "Only decisions since this time (ISO 8601 or Unix seconds).")
    var since: String?

    @Flag(name: .long, help: "Print the result as one JSON object.")
    var json = false

    func validate() throws {
        if let since, AuditTime.parse(since) == nil { throw ValidationError("--since must be an ISO 8601 time or Unix seconds") }
    }

    func run() async throws {
        let stats: JSONValue
        if let client = try source.client() {
            stats = try await client.get("/audit/stats", query: since.map { [("since", $0)] } ?? [])
        } else {
            stats = try await source.openReadOnly().stats(sinceMilliseconds: since.flatMap(AuditTime.parse), timelineMinutes: 60).json
        }
        let out = Terminal.standardOutput
        if json {
            out.write(stats.jsonText + "\n")
        } else {
            func number(_ key: String) -> String { stats[key]?.jsonText ?? "0" }
            var text =
                "total \(number("total"))   \(out.paint("allowed", .green)) \(number("allowed"))   \(out.paint("blocked", .red)) \(number("blocked"))\n"
            for (title, key, nameKey) in [("top blocked rules", "by_rule", "rule"), ("top blocked tools", "by_tool", "tool")] {
                guard case .array(let rows)? = stats[key], !rows.isEmpty else { continue }
                text += "\n\(title):\n"
                for row in rows.prefix(10) {
                    text += "  \(row["count"]?.jsonText ?? "0")\t\(Terminal.sanitize(row[nameKey]?.stringValue ?? ""))\n"
                }
            }
            if case .array(let rows)? = stats["by_server"], !rows.isEmpty {
                text += "\nservers (total / blocked):\n"
                for row in rows.prefix(10) {
                    text +=
                        "  \(row["total"]?.jsonText ?? "0") / \(row["blocked"]?.jsonText ?? "0")\t\(Terminal.sanitize(row["server"]?.stringValue ?? ""))\n"
                }
            }
            out.write(text)
        }
        try out.finish()
    }
}

/// One record per line: a table for people, JSON lines for programs.
struct RecordPrinter {
    let out: Terminal
    let json: Bool

    var header: String {
        out.paint("ID      TIME                      DECISION  SERVER           TOOL                 RULE                       REASON", .dim) + "\n"
    }

    func line(_ record: AuditRecord) -> String {
        if json { return record.json.jsonText + "\n" }
        let e = record.entry
        func column(_ text: String, _ width: Int) -> String {
            let clean = Terminal.sanitize(text)
            let cut = clean.count > width ? String(clean.prefix(width - 1)) + "…" : clean
            return cut + String(repeating: " ", count: max(0, width - cut.count))
        }
        let verdict = e.decision == .block ? out.paint("BLOCK   ", .red) : out.paint("ALLOW   ", .green)
        return column(String(record.sequence), 7) + " " + column(AuditTime.iso8601(milliseconds: e.timeMilliseconds), 25) + " " + verdict + "  "
            + column(e.server, 16) + " " + column(e.tool, 20) + " " + column(e.rule ?? "-", 26) + " " + Terminal.sanitize(e.reason) + "\n"
    }
}
