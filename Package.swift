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
        .library(name: "ShieldCore", targets: ["ShieldCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The decision core: policy model and loader, JSON parser, argument walker,
        // detectors and `evaluate`. No I/O besides reading a policy file the caller names.
        .target(
            name: "ShieldCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            resources: [
                .embedInCode("Policies/default.yaml"),
                .embedInCode("Policies/strict.yaml"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "mcp-shield",
            dependencies: [
                "ShieldCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // Release-mode benchmark of the decision core: `swift run -c release shield-bench`.
        .executableTarget(
            name: "shield-bench",
            dependencies: ["ShieldCore"],
            path: "Sources/ShieldBench",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShieldCoreTests",
            dependencies: ["ShieldCore"],
            exclude: ["Corpus"],
            swiftSettings: strictSettings
        ),
        // Golden tests of the `mcp-shield` binary: bytes in, bytes and exit status out.
        .testTarget(
            name: "MCPShieldCLITests",
            exclude: ["Golden"],
            swiftSettings: strictSettings
        ),
    ]
)
