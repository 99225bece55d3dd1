import GRDB
import Hummingbird

// Hummingbird answering GET /health, beside a GRDB pool open on the database named by the first
// argument (WAL, one table): what every `serve` holds before it does any work of its own.
let pool = try DatabasePool(path: CommandLine.arguments[1])
try await pool.write { db in try db.execute(sql: "CREATE TABLE IF NOT EXISTS t (x INTEGER)") }
let router = Router()
router.get("/health") { _, _ in "ok" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
try await app.runService()
