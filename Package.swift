// swift-tools-version:6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "mcp-shield",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mcp-shield", targets: ["mcp-shield"]),
        .executable(name: "mcp-shield-demo-server", targets: ["DemoServer"]),
        .executable(name: "mcp-shield-sandbox-init", targets: ["SandboxInit"]),
        .library(name: "ShieldCore", targets: ["ShieldCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1"),
    ],
    targets: [
        // The decision core: policy model and loader, JSON parser, argument walker,
        // detectors and `evaluate`. No I/O besides reading a policy file the caller names.
        .target(
            name: "ShieldCore",
            dependencies: ["CShieldSIMD", .product(name: "Yams", package: "Yams")],
            resources: [
                .embedInCode("Policies/default.yaml"),
                .embedInCode("Policies/strict.yaml"),
            ],
            swiftSettings: strictSettings
        ),
        // One vector instruction for the core's text scanners (header-only, inlined into Swift).
        .target(name: "CShieldSIMD"),
        // Host I/O the decision core leaves out: real-path resolution, the machine's context.
        .target(
            name: "ShieldSystem",
            dependencies: ["ShieldCore", "CShieldSystem"],
            swiftSettings: strictSettings
        ),
        // The audit store: every decision, durably, in a tamper-evident hash chain. SQLite (GRDB)
        // is the embedded default behind the `AuditStore` protocol.
        .target(
            name: "ShieldAudit",
            dependencies: [
                "ShieldCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The HTTP control plane (`mcp-shield serve`): the API, metrics and the live dashboard.
        .target(
            name: "ShieldServer",
            dependencies: [
                "ShieldCore",
                "ShieldAudit",
                "ShieldSystem",
                "ShieldSandbox",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [
                .embedInCode("Assets/dashboard.html"),
                .embedInCode("Assets/dashboard.css"),
                .embedInCode("Assets/dashboard.js"),
                .embedInCode("Assets/docs.html"),
                .embedInCode("Assets/docs.js"),
                .embedInCode("Assets/openapi.json"),
            ],
            swiftSettings: strictSettings
        ),
        // The stdio MCP proxy: every message between client and server through one gate.
        .target(
            name: "ShieldProxy",
            dependencies: ["ShieldCore", "ShieldAudit", "ShieldSystem"],
            swiftSettings: strictSettings
        ),
        // Sandboxes a server runs in: bubblewrap (namespaces, seccomp, cgroups, Landlock),
        // Podman/Docker containers, gVisor.
        .target(
            name: "ShieldSandbox",
            dependencies: ["ShieldCore", "ShieldSystem", "CShieldSystem"],
            swiftSettings: strictSettings
        ),
        // What Swift cannot do safely: code between fork and exec, and libseccomp's C API.
        .target(
            name: "CShieldSystem",
            linkerSettings: [.linkedLibrary("seccomp")]
        ),
        // Runs inside a bubblewrap sandbox: applies Landlock, then execs the server.
        // Linked without the Swift runtime's shared libraries (the package links every executable
        // through swiftc): inside a sandbox only the system's libraries are bound.
        .executableTarget(
            name: "SandboxInit",
            path: "Sources/SandboxInit",
            linkerSettings: [.unsafeFlags(["-static-stdlib"])]
        ),
        .executableTarget(
            name: "mcp-shield",
            dependencies: [
                "ShieldCore",
                "ShieldAudit",
                "ShieldServer",
                "ShieldSystem",
                "ShieldProxy",
                "ShieldSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // The demo MCP servers (malicious and safe), on the official MCP Swift SDK.
        .executableTarget(
            name: "DemoServer",
            dependencies: [.product(name: "MCP", package: "swift-sdk")],
            swiftSettings: strictSettings
        ),
        // Release-mode benchmark of the decision core: `swift run -c release shield-bench`.
        .executableTarget(
            name: "shield-bench",
            dependencies: ["ShieldCore", "ShieldSystem"],
            path: "Sources/ShieldBench",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShieldCoreTests",
            dependencies: ["ShieldCore"],
            exclude: ["Corpus"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShieldAuditTests",
            dependencies: ["ShieldAudit", "ShieldCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShieldServerTests",
            dependencies: [
                "ShieldServer", "ShieldAudit", "ShieldCore", "ShieldSandbox",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShieldProxyTests",
            dependencies: ["ShieldProxy", "ShieldCore", "ShieldAudit", "ShieldSystem"],
            swiftSettings: strictSettings
        ),
        // Golden tests of the `mcp-shield` binary: bytes in, bytes and exit status out.
        .testTarget(
            name: "MCPShieldCLITests",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift"), .product(name: "MCP", package: "swift-sdk")],
            exclude: ["Golden"],
            swiftSettings: strictSettings
        ),
    ]
)
