internal import Foundation
internal import GRDB
public import ShieldCore

/// Pins in the audit database (tables `contract_server`, `contract_list`, `contract_pin`), so one
/// file holds what happened and what was approved.
///
/// Every observation and approval is one `BEGIN IMMEDIATE` transaction: several proxies of the
/// same server, and an `approve` from another terminal, see each other's writes whole.
public final class SQLiteContractStore: ContractStore {
    public let path: String
    let pool: DatabasePool

    /// Opens (creating when missing) the database at `path`.
    public convenience init(path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw AuditError("cannot create the directory \(directory): \(error.localizedDescription)")
            }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(SQLiteAuditStore.busyTimeout)
        configuration.label = "mcp-shield-contracts"
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw AuditError("cannot open the contract pins in \(path): \(error)")
        }
        try self.init(path: path, pool: pool)
    }

    /// The pins in `store`'s database, read and written through its connections: a process that
    /// keeps both (`serve`) opens the file once.
    public convenience init(sharing store: SQLiteAuditStore) throws {
        guard !store.pool.configuration.readonly else { throw AuditError("cannot keep contract pins in \(store.path): it is open read-only") }
        try self.init(path: store.path, pool: store.pool)
    }

    /// Creates the pin tables when missing.
    private init(path: String, pool: DatabasePool) throws {
        self.path = path
        self.pool = pool
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try db.execute(
                        sql: """
                            CREATE TABLE IF NOT EXISTS contract_server (
                                server_key TEXT PRIMARY KEY,
                                name TEXT NOT NULL,
                                identity TEXT NOT NULL,
                                executable_sha256 TEXT,
                                first_seen_ms INTEGER NOT NULL,
                                last_seen_ms INTEGER NOT NULL
                            ) STRICT;
                            CREATE TABLE IF NOT EXISTS contract_list (
                                server_key TEXT NOT NULL,
                                kind TEXT NOT NULL,
                                first_seen_ms INTEGER NOT NULL,
                                PRIMARY KEY (server_key, kind)
                            ) STRICT;
                            CREATE TABLE IF NOT EXISTS contract_pin (
                                server_key TEXT NOT NULL,
                                kind TEXT NOT NULL,
                                name TEXT NOT NULL,
                                approved TEXT,
                                approved_ms INTEGER,
                                observed TEXT NOT NULL,
                                observed_ms INTEGER NOT NULL,
                                removed_ms INTEGER,
                                PRIMARY KEY (server_key, kind, name)
                            ) STRICT;
                            """)
                    return .commit
                }
            }
        } catch {
            throw AuditError("cannot open the contract pins in \(path): \(error)")
        }
    }

    public func observe(
        server: ServerIdentity, kind: Contract.Kind, contracts: [Contract], untrusted: Set<String>, complete: Bool, nowMilliseconds: Int64
    ) throws -> ContractObservation {
        let key = server.key
        return try pool.writeWithoutTransaction { db in
            var observation = ContractObservation()
            try db.inTransaction(.immediate) {
                let previousDigest = try Row.fetchOne(db, sql: "SELECT executable_sha256 FROM contract_server WHERE server_key = ?", arguments: [key])
                try db.execute(
                    sql: """
                        INSERT INTO contract_server (server_key, name, identity, executable_sha256, first_seen_ms, last_seen_ms)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (server_key) DO UPDATE SET name = excluded.name, executable_sha256 = excluded.executable_sha256,
                            last_seen_ms = excluded.last_seen_ms
                        """,
                    arguments: [key, server.name, server.identityText, server.executableSHA256, nowMilliseconds, nowMilliseconds])
                try db.execute(
                    sql: "INSERT OR IGNORE INTO contract_list (server_key, kind, first_seen_ms) VALUES (?, ?, ?)",
                    arguments: [key, kind.rawValue, nowMilliseconds])
                let firstUse = db.changesCount > 0
                let existing = try Self.pins(db, where: "server_key = ? AND kind = ?", [key, kind.rawValue])
                let (writes, found) = PinLedger.reconcile(
                    existing: existing, firstUse: firstUse, serverKey: key, kind: kind, contracts: contracts, untrusted: untrusted,
                    complete: complete, now: nowMilliseconds)
                for pin in writes { try Self.write(pin, db) }
                observation = found
                if let previousDigest, let old: String = previousDigest["executable_sha256"], old != server.executableSHA256 {
                    observation.executableChangedFrom = old
                }
                return .commit
            }
            return observation
        }
    }

    public func pin(serverKey: String, kind: Contract.Kind, name: String) throws -> ContractPin? {
        try pool.read { db in try Self.pins(db, where: "server_key = ? AND kind = ? AND name = ?", [serverKey, kind.rawValue, name]).first }
    }

    public func pins(serverKey: String?) throws -> [ContractPin] {
        try pool.read { db in
            if let serverKey { return try Self.pins(db, where: "server_key = ?", [serverKey]) }
            return try Self.pins(db, where: "1", [])
        }
    }

    public func servers() throws -> [PinnedServer] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM contract_server ORDER BY last_seen_ms DESC, server_key").map { row in
                PinnedServer(
                    key: row["server_key"], name: row["name"], identity: row["identity"], executableSHA256: row["executable_sha256"],
                    firstSeenMilliseconds: row["first_seen_ms"], lastSeenMilliseconds: row["last_seen_ms"])
            }
        }
    }

    public func approve(serverKey: String, kind: Contract.Kind?, name: String?, nowMilliseconds: Int64) throws -> [ContractPin] {
        try pool.writeWithoutTransaction { db in
            var approved: [ContractPin] = []
            try db.inTransaction(.immediate) {
                var condition = "server_key = ? AND (approved IS NULL OR approved != observed)"
                var arguments: [String] = [serverKey]
                if let kind {
                    condition += " AND kind = ?"
                    arguments.append(kind.rawValue)
                }
                if let name {
                    condition += " AND name = ?"
                    arguments.append(name)
                }
                approved = try Self.pins(db, where: condition, arguments)
                for pin in approved { try Self.write(PinLedger.approved(pin, now: nowMilliseconds), db) }
                return .commit
            }
            return approved
        }
    }

    static func pins(_ db: Database, where condition: String, _ arguments: [String]) throws -> [ContractPin] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM contract_pin WHERE \(condition) ORDER BY server_key, kind, name", arguments: StatementArguments(arguments)
        ).map { row in
            let kindName: String = row["kind"]
            guard let kind = Contract.Kind(rawValue: kindName) else { throw AuditError("contract pin of unknown kind \(kindName)") }
            return ContractPin(
                serverKey: row["server_key"], kind: kind, name: row["name"], approved: row["approved"], observed: row["observed"],
                approvedMilliseconds: row["approved_ms"], observedMilliseconds: row["observed_ms"], removedMilliseconds: row["removed_ms"])
        }
    }

    static func write(_ pin: ContractPin, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO contract_pin (server_key, kind, name, approved, approved_ms, observed, observed_ms, removed_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (server_key, kind, name) DO UPDATE SET approved = excluded.approved, approved_ms = excluded.approved_ms,
                    observed = excluded.observed, observed_ms = excluded.observed_ms, removed_ms = excluded.removed_ms
                """,
            arguments: [
                pin.serverKey, pin.kind.rawValue, pin.name, pin.approved, pin.approvedMilliseconds, pin.observed, pin.observedMilliseconds,
                pin.removedMilliseconds,
            ])
    }
}
