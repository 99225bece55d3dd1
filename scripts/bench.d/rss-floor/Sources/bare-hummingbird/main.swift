import Hummingbird

// Hummingbird answering GET /health on a free loopback port, and nothing else.
let router = Router()
router.get("/health") { _, _ in "ok" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
try await app.runService()
