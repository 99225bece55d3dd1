// swift-tools-version:6.1
// The idle-RSS floor of the stack `mcp-shield serve` is built on: two servers that do nothing but
// answer /health, one with Hummingbird alone and one with Hummingbird beside an open GRDB pool.
// Built and measured by `scripts/bench-rss-floor`.
import PackageDescription

let package = Package(
    name: "rss-floor",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .executableTarget(name: "bare-hummingbird", dependencies: [.product(name: "Hummingbird", package: "hummingbird")]),
        .executableTarget(
            name: "hummingbird-grdb",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift"), .product(name: "Hummingbird", package: "hummingbird")]),
    ]
)
