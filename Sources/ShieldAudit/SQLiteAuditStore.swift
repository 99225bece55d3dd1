internal import Foundation
internal import GRDB
internal import ShieldCore

/// The embedded audit store: one SQLite database file, through GRDB.
///
/// - **Durability.** WAL journal, `synchronous = FULL`: when ``append(_:)`` returns, the
///   transaction holding the records is in the WAL and the WAL is fsynced, so the records
///   survive a crash or power loss. Callers batch through ``AuditWriter`` (group commit), so one
///   fsync covers every decision that arrived while the previous batch was committing.
/// - **Several processes.** Each append is one `BEGIN IMMEDIATE` transaction that reads the
///   chain head, writes its records and moves the head. SQLite lets one writer in at a time
///   (others wait up to ``busyTimeout``), so records from a `serve` and many proxies interleave
///   without gaps or forks in the chain.
/// - **Tamper evidence.** See ``AuditChain``. The chain head carries an HMAC under the store's
///   key, so rewriting the whole chain is detected by anyone who holds the key and the writer
///   did not.
public final class SQLiteAuditStore: AuditStore {
    public static let busyTimeout: Double = 30

    public let path: String
    public let keyPath: String
    let pool: DatabasePool
    let key: AuditKey?

    /// Opens (creating when missing) the database at `path` and its key at `keyPath`
    /// (default: `path` + `.key`).
    ///
    /// - Parameter readOnly: open for reading only (verification, queries); a missing key is
    ///   then reported by ``verify()`` instead of being created.
    public init(path: String, keyPath: String? = nil, readOnly: Bool = false) throws {
        self.path = path
        self.keyPath = keyPath ?? path + ".key"
        let directory = (path as NSString).deletingLastPathComponent
        if !readOnly, !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw AuditError("cannot create the audit directory \(directory): \(error.localizedDescription)")
            }
        }
        if readOnly, !FileManager.default.fileExists(atPath: path) {
            throw AuditError("no audit database at \(path)")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.readonly = readOnly
        configuration.label = "mcp-shield-audit"
        configuration.prepareDatabase { db in
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            if !readOnly { try pool.writeWithoutTransaction(Self.createSchema) }
            try pool.read { db in
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                guard version <= Self.schemaVersion else {
                    throw AuditError("\(path) was written by a newer mcp-shield (audit schema \(version); this one reads \(Self.schemaVersion))")
                }
                guard try db.tableExists("audit_record") else { throw AuditError("\(path) is not an mcp-shield audit database") }
            }
            // A key is made only for a new log: for an existing one, a missing key means the
            // chain can no longer be proven, and minting a new one would hide that.
            let isNew = try pool.read { db in
                try Int.fetchOne(
                    db,
                    sql:
                        "SELECT (SELECT COUNT(*) FROM audit_head) + (SELECT COUNT(*) FROM audit_checkpoint) + (SELECT COUNT(*) FROM (SELECT 1 FROM audit_record LIMIT 1))"
                ) == 0
            }
            if readOnly {
                key = try? AuditKey.load(path: self.keyPath, create: false)
            } else {
                do {
                    key = try AuditKey.load(path: self.keyPath, create: isNew)
                } catch {
                    throw AuditError(
                        "\(error.description); the audit log at \(path) already has records, so a new key would hide tampering (restore the key file)"
                    )
                }
            }
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError("cannot open the audit database \(path): \(error)")
        }
    }

    static let schemaVersion = 1

    static func createSchema(_ db: Database) throws {
        // IMMEDIATE: two processes opening a new database at once create it once.
        try db.inTransaction(.immediate) {
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            guard version < schemaVersion else { return .commit }
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS audit_record (
                        seq INTEGER PRIMARY KEY,
                        time_ms INTEGER NOT NULL,
                        surface TEXT NOT NULL,
                        server TEXT NOT NULL,
                        tool TEXT NOT NULL,
                        policy TEXT NOT NULL,
                        decision TEXT NOT NULL,
                        rule TEXT,
                        reason TEXT NOT NULL,
                        path TEXT,
                        args_sha256 TEXT NOT NULL,
                        args TEXT NOT NULL,
                        redactions INTEGER NOT NULL,
                        truncated INTEGER NOT NULL,
                        session TEXT,
                        latency_ns INTEGER NOT NULL,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    ) STRICT;
                    CREATE INDEX IF NOT EXISTS audit_record_time ON audit_record(time_ms);
                    CREATE INDEX IF NOT EXISTS audit_record_server ON audit_record(server);
                    CREATE INDEX IF NOT EXISTS audit_record_tool ON audit_record(tool);
                    CREATE INDEX IF NOT EXISTS audit_record_decision ON audit_record(decision);
                    CREATE TABLE IF NOT EXISTS audit_head (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        seq INTEGER NOT NULL,
                        hash TEXT NOT NULL,
                        signature TEXT NOT NULL
                    ) STRICT;
                    CREATE TABLE IF NOT EXISTS audit_checkpoint (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        seq INTEGER NOT NULL,
                        hash TEXT NOT NULL,
                        pruned INTEGER NOT NULL,
                        time_ms INTEGER NOT NULL,
                        signature TEXT NOT NULL
                    ) STRICT;
                    PRAGMA user_version = \(schemaVersion);
                    """)
            return .commit
        }
    }

    // MARK: Writing

    public func append(_ entries: [AuditEntry]) async throws -> [AuditRecord] {
        guard !entries.isEmpty else { return [] }
        guard let key else { throw AuditError("the audit database is open read-only") }
        return try await pool.writeWithoutTransaction { db in
            var stored: [AuditRecord] = []
            stored.reserveCapacity(entries.count)
            try db.inTransaction(.immediate) {
                let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_head WHERE id = 1")
                var sequence: Int64 = try head.map { try Self.column($0, "seq") } ?? 0
                var previous: String = try head.map { try Self.column($0, "hash") } ?? AuditChain.genesis
                if head == nil {
                    if try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM audit_record") != nil {
                        throw AuditError("the chain head is missing while records exist: the log was tampered with; run mcp-shield audit verify")
                    }
                    if let checkpoint = try Self.checkpoint(db) {
                        sequence = checkpoint.sequence
                        previous = checkpoint.hash
                    }
                }
                let insert = try db.cachedStatement(
                    sql: """
                        INSERT INTO audit_record (seq, time_ms, surface, server, tool, policy, decision, rule, reason, path,
                            args_sha256, args, redactions, truncated, session, latency_ns, prev_hash, hash)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                for entry in entries {
                    sequence += 1
                    let hash = AuditChain.hash(sequence: sequence, entry: entry, previousHash: previous)
                    try insert.execute(arguments: [
                        sequence, entry.timeMilliseconds, entry.surface.rawValue, entry.server, entry.tool, entry.policy,
                        entry.decision.rawValue, entry.rule, entry.reason, entry.path, entry.argumentsDigest, entry.redactedArguments,
                        entry.redactions, entry.truncated, entry.session, entry.latencyNanoseconds, previous, hash,
                    ])
                    stored.append(AuditRecord(sequence: sequence, entry: entry, previousHash: previous, hash: hash))
                    previous = hash
                }
                try db.execute(
                    sql: """
                        INSERT INTO audit_head (id, seq, hash, signature) VALUES (1, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, signature = excluded.signature
                        """, arguments: [sequence, previous, AuditChain.signHead(sequence: sequence, hash: previous, key: key)])
                return .commit
            }
            return stored
        }
    }

    // MARK: Reading

    public func records(_ query: AuditQuery) async throws -> [AuditRecord] {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let decision = query.decision {
            conditions.append("decision = ?")
            arguments.append(decision.rawValue)
        }
        if let server = query.server {
            conditions.append("server = ?")
            arguments.append(server)
        }
        if let tool = query.tool {
            conditions.append("tool = ?")
            arguments.append(tool)
        }
        if let since = query.sinceMilliseconds {
            conditions.append("time_ms >= ?")
            arguments.append(since)
        }
        if let after = query.afterSequence {
            conditions.append("seq > ?")
            arguments.append(after)
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        arguments.append(max(0, query.limit))
        arguments.append(max(0, query.offset))
        let sql = "SELECT * FROM audit_record \(filter) ORDER BY seq DESC LIMIT ? OFFSET ?"
        let statementArguments = StatementArguments(arguments.map { $0.databaseValue })
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map { try Self.record($0) }
        }
    }

    public func record(sequence: Int64) async throws -> AuditRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM audit_record WHERE seq = ?", arguments: [sequence]).map { try Self.record($0) }
        }
    }

    public func records(after sequence: Int64, limit: Int) async throws -> [AuditRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_record WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [sequence, limit])
                .map { try Self.record($0) }
        }
    }

    public func lastSequence() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM audit_record") ?? 0 }
    }

    public func stats(sinceMilliseconds: Int64?, timelineMinutes: Int) async throws -> AuditStats {
        let since = sinceMilliseconds ?? Int64.min
        let timelineStart = (AuditClock.nowMilliseconds() / 60_000 - Int64(max(0, timelineMinutes - 1))) * 60_000
        // Decisions only: a sandbox's launch and exit are recorded but are not decisions.
        return try await pool.read { db in
            let totals = try Row.fetchOne(
                db, sql: "SELECT COUNT(*) AS total, COALESCE(SUM(decision = 'BLOCK'), 0) AS blocked FROM audit_record WHERE time_ms >= ? AND surface != 'sandbox'",
                arguments: [since])
            let total: Int = totals?["total"] ?? 0
            let blocked: Int = totals?["blocked"] ?? 0
            let byRule = try Row.fetchAll(
                db,
                sql: """
                    SELECT COALESCE(rule, '') AS name, COUNT(*) AS n FROM audit_record WHERE decision = 'BLOCK' AND time_ms >= ? AND surface != 'sandbox'
                    GROUP BY rule ORDER BY n DESC, name LIMIT 20
                    """, arguments: [since]
            ).map { (name: $0["name"] as String, count: $0["n"] as Int) }
            let byServer = try Row.fetchAll(
                db,
                sql: """
                    SELECT server AS name, COUNT(*) AS n, SUM(decision = 'BLOCK') AS b FROM audit_record WHERE time_ms >= ? AND surface != 'sandbox'
                    GROUP BY server ORDER BY n DESC, name LIMIT 20
                    """, arguments: [since]
            ).map { (name: $0["name"] as String, total: $0["n"] as Int, blocked: $0["b"] as Int) }
            let byTool = try Row.fetchAll(
                db,
                sql: """
                    SELECT tool AS name, COUNT(*) AS n FROM audit_record WHERE decision = 'BLOCK' AND time_ms >= ? AND surface != 'sandbox'
                    GROUP BY tool ORDER BY n DESC, name LIMIT 20
                    """, arguments: [since]
            ).map { (name: $0["name"] as String, count: $0["n"] as Int) }
            let timeline = try Row.fetchAll(
                db,
                sql: """
                    SELECT time_ms / 60000 AS minute, COUNT(*) AS n, SUM(decision = 'BLOCK') AS b FROM audit_record
                    WHERE time_ms >= ? AND surface != 'sandbox' GROUP BY minute ORDER BY minute
                    """, arguments: [max(since, timelineStart)]
            ).map { (minuteMilliseconds: ($0["minute"] as Int64) * 60_000, total: $0["n"] as Int, blocked: $0["b"] as Int) }
            return AuditStats(
                total: total, allowed: total - blocked, blocked: blocked, blockedByRule: byRule, byServer: byServer, blockedByTool: byTool,
                timeline: timeline)
        }
    }

    /// Reads a stored record. A column holding the wrong type (the table was edited outside
    /// mcp-shield) is an error, never a crash.
    static func record(_ row: Row) throws -> AuditRecord {
        let surface: String = try column(row, "surface")
        let decision: String = try column(row, "decision")
        guard let parsedSurface = AuditSurface(rawValue: surface), let parsedDecision = Decision.Verdict(rawValue: decision) else {
            throw AuditError("record has an unknown surface \(surface) or decision \(decision)")
        }
        let entry = AuditEntry(
            timeMilliseconds: try column(row, "time_ms"), surface: parsedSurface, server: try column(row, "server"),
            tool: try column(row, "tool"), policy: try column(row, "policy"), decision: parsedDecision, rule: try optionalColumn(row, "rule"),
            reason: try column(row, "reason"), path: try optionalColumn(row, "path"), argumentsDigest: try column(row, "args_sha256"),
            redactedArguments: try column(row, "args"), redactions: try column(row, "redactions"), truncated: try column(row, "truncated"),
            session: try optionalColumn(row, "session"), latencyNanoseconds: try column(row, "latency_ns"))
        return AuditRecord(sequence: try column(row, "seq"), entry: entry, previousHash: try column(row, "prev_hash"), hash: try column(row, "hash"))
    }

    static func column<T: DatabaseValueConvertible>(_ row: Row, _ name: String) throws -> T {
        guard let value = T.fromDatabaseValue(row[name] as DatabaseValue) else {
            throw AuditError("column \(name) does not hold a \(T.self)")
        }
        return value
    }

    static func optionalColumn<T: DatabaseValueConvertible>(_ row: Row, _ name: String) throws -> T? {
        let value = row[name] as DatabaseValue
        if value.isNull { return nil }
        guard let converted = T.fromDatabaseValue(value) else { throw AuditError("column \(name) does not hold a \(T.self)") }
        return converted
    }

    static func checkpoint(_ db: Database) throws -> AuditCheckpoint? {
        try Row.fetchOne(db, sql: "SELECT * FROM audit_checkpoint WHERE id = 1").map { row in
            AuditCheckpoint(
                sequence: try column(row, "seq"), hash: try column(row, "hash"), pruned: try column(row, "pruned"),
                timeMilliseconds: try column(row, "time_ms"), signature: try column(row, "signature"))
        }
    }

    // MARK: Verification and retention

    public func verify() async throws -> AuditVerification {
        let key = key
        let keyPath = keyPath
        return try await pool.read { db in try Self.walk(db, upTo: nil, key: key, keyPath: keyPath) }
    }

    /// Checks the chain from the checkpoint (or genesis) to `upTo` (or the end and the head).
    static func walk(_ db: Database, upTo limit: Int64?, key: AuditKey?, keyPath: String) throws -> AuditVerification {
        var problems: [AuditVerification.Problem] = []
        let checkpoint = try checkpoint(db)
        if let checkpoint {
            if let key {
                if !AuditChain.isValid(checkpoint, key: key) { problems.append(.badCheckpoint("its signature does not verify")) }
            } else {
                problems.append(.badCheckpoint("cannot check its signature: the key \(keyPath) is missing"))
            }
        }
        var expected = (checkpoint?.sequence ?? 0) + 1
        var previousHash: String? = checkpoint?.hash ?? AuditChain.genesis
        var checked = 0
        var first: Int64?
        var last: Int64?
        var lastHash: String?
        let sql = limit == nil ? "SELECT * FROM audit_record ORDER BY seq" : "SELECT * FROM audit_record WHERE seq <= ? ORDER BY seq"
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: limit.map { [$0] } ?? [])
        while let row = try cursor.next() {
            guard let sequence: Int64 = try? column(row, "seq") else {
                problems.append(.unreadable("a record's sequence number is not an integer"))
                continue
            }
            if sequence > expected {
                problems.append(.missing(from: expected, to: sequence - 1))
                previousHash = nil  // the link across a gap cannot be checked; the gap is the finding
            } else if sequence < expected {
                problems.append(.brokenLink(sequence: sequence, expectedPrevious: expected - 1))
            }
            guard let record = try? record(row) else {
                problems.append(.edited(sequence: sequence))
                previousHash = nil
                expected = sequence + 1
                continue
            }
            let stored = record.hash
            let recomputed = AuditChain.hash(sequence: sequence, entry: record.entry, previousHash: record.previousHash)
            if recomputed != stored {
                problems.append(.edited(sequence: sequence))
            } else if let previousHash, record.previousHash != previousHash {
                problems.append(.brokenLink(sequence: sequence, expectedPrevious: sequence - 1))
            }
            previousHash = stored
            lastHash = stored
            expected = sequence + 1
            checked += 1
            if first == nil { first = sequence }
            last = sequence
        }
        let headRow = limit == nil ? try Row.fetchOne(db, sql: "SELECT seq, hash, signature FROM audit_head WHERE id = 1") : nil
        if limit == nil, headRow == nil, checked > 0 || checkpoint != nil {
            problems.append(.badHead("it is missing: records after the last one stored may have been deleted or appended without the key"))
        }
        if limit == nil, headRow != nil, key == nil {
            problems.append(.badHead("cannot check its signature: the key \(keyPath) is missing"))
        }
        if limit == nil, let head = headRow {
            guard let headSequence: Int64 = try? column(head, "seq"), let headHash: String = try? column(head, "hash"),
                let signature: String = try? column(head, "signature")
            else {
                problems.append(.badHead("it is unreadable"))
                return AuditVerification(checked: checked, first: first, last: last, pruned: checkpoint?.pruned ?? 0, problems: problems)
            }
            let end = last ?? checkpoint?.sequence ?? 0
            if headSequence > end {
                problems.append(.truncated(last: end, head: headSequence))
            } else if headSequence < end {
                problems.append(.brokenLink(sequence: headSequence + 1, expectedPrevious: headSequence))
            } else if let lastHash, headHash != lastHash {
                problems.append(.edited(sequence: end))
            }
            if let key, AuditChain.signHead(sequence: headSequence, hash: headHash, key: key) != signature {
                problems.append(.badHead("its signature does not verify: the chain was rewritten without the key"))
            }
        }
        return AuditVerification(checked: checked, first: first, last: last, pruned: checkpoint?.pruned ?? 0, problems: problems)
    }

    public func prune(_ retention: AuditRetention, nowMilliseconds: Int64) async throws -> Int {
        guard let key else { throw AuditError("the audit database is open read-only") }
        guard retention.days != nil || retention.maxRecords != nil else { return 0 }
        let keyPath = keyPath
        return try await pool.writeWithoutTransaction { db in
            var pruned = 0
            try db.inTransaction(.immediate) {
                let last = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM audit_record") ?? 0
                var upTo: Int64 = 0
                if let days = retention.days {
                    let cutoff = nowMilliseconds - Int64(days) * 86_400_000
                    // The longest prefix of records that are all older than the cutoff.
                    let firstKept = try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM audit_record WHERE time_ms >= ?", arguments: [cutoff])
                    upTo = max(upTo, (firstKept ?? (last + 1)) - 1)
                }
                if let maxRecords = retention.maxRecords {
                    let firstStored = try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM audit_record") ?? 1
                    let storedCount = last - firstStored + 1
                    if storedCount > Int64(maxRecords) { upTo = max(upTo, last - Int64(maxRecords)) }
                }
                guard upTo > 0,
                    let lastPruned = try Row.fetchOne(
                        db, sql: "SELECT seq, hash FROM audit_record WHERE seq <= ? ORDER BY seq DESC LIMIT 1", arguments: [upTo])
                else { return .rollback }
                let lastPrunedSequence: Int64 = try Self.column(lastPruned, "seq")
                let lastPrunedHash: String = try Self.column(lastPruned, "hash")
                // Never sign over a broken prefix: tampering would be laundered into the checkpoint.
                let prefix = try Self.walk(db, upTo: upTo, key: key, keyPath: keyPath)
                guard prefix.isIntact else {
                    throw AuditError(
                        "refusing to prune: the records to prune do not verify (\(prefix.problems.map(\.description).joined(separator: "; ")))")
                }
                try db.execute(sql: "DELETE FROM audit_record WHERE seq <= ?", arguments: [upTo])
                pruned = db.changesCount
                let previous = try Self.checkpoint(db)
                var checkpoint = AuditCheckpoint(
                    sequence: lastPrunedSequence, hash: lastPrunedHash, pruned: (previous?.pruned ?? 0) + Int64(pruned),
                    timeMilliseconds: nowMilliseconds, signature: "")
                checkpoint.signature = AuditChain.sign(checkpoint, key: key)
                try db.execute(
                    sql: """
                        INSERT INTO audit_checkpoint (id, seq, hash, pruned, time_ms, signature) VALUES (1, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, pruned = excluded.pruned,
                            time_ms = excluded.time_ms, signature = excluded.signature
                        """,
                    arguments: [checkpoint.sequence, checkpoint.hash, checkpoint.pruned, checkpoint.timeMilliseconds, checkpoint.signature])
                return .commit
            }
            return pruned
        }
    }
}
