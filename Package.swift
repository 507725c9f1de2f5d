// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "starling",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "starling", targets: ["starling"]),
        // The load-test harness, its own executable so `starling` does not link it (loadtest/README.md).
        .executable(name: "starling-loadtest", targets: ["starling-loadtest"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        // SHA-256 for PKCE, P-256/HKDF/AES-GCM for Web Push (already built for postgres-nio).
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // hiredis from Debian's libhiredis-dev.
        .systemLibrary(
            name: "CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        // libvips from Debian's libvips-dev; its variadic calls wrapped in plain C functions (CVipsShim).
        .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        .target(name: "CVipsShim", dependencies: ["CVips"]),
        // Media attachments: image processing off the event loops and the file storage every node reads.
        .target(
            name: "StarlingMedia",
            dependencies: [
                "CVipsShim", "StarlingDomain",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Pure domain logic: ids, text, shard map, timeline merge and paging, fan-out planning. No I/O.
        .target(name: "StarlingDomain"),
        // Web Push message encryption (RFC 8291) and VAPID (RFC 8292): pure crypto, no I/O.
        .target(name: "StarlingPush", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "StarlingRedis",
            dependencies: [
                "CHiredis", "StarlingDomain",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "StarlingStore",
            dependencies: [
                "StarlingDomain",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The Redis timeline structures (home lists, authored lists, status cache) shared by api and worker.
        .target(
            name: "StarlingTimelines",
            dependencies: ["StarlingDomain", "StarlingRedis", "StarlingStore"]
        ),
        .target(
            name: "StarlingOps",
            dependencies: [
                "StarlingStore", "StarlingRedis",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "StarlingAPI",
            dependencies: [
                "StarlingDomain", "StarlingStore", "StarlingRedis", "StarlingTimelines", "StarlingOps", "StarlingPush",
                "StarlingMedia",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                // The parse-error answer sits in the HTTP/1 pipeline (ParseErrorAnswer.swift).
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "StarlingWorker",
            dependencies: [
                "StarlingDomain", "StarlingStore", "StarlingRedis", "StarlingTimelines", "StarlingOps", "StarlingPush",
                "StarlingMedia",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // The settings (flags and STARLING_* variables) of the roles, shared by `starling` and `starling-loadtest`.
        .target(
            name: "StarlingSettings",
            dependencies: [
                "StarlingDomain", "StarlingRedis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The load-test harness: graphs, seeding, open/closed-loop workloads, baselines, reports.
        .target(
            name: "StarlingLoadTest",
            dependencies: [
                "StarlingDomain", "StarlingStore", "StarlingRedis", "StarlingTimelines",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "starling",
            dependencies: [
                "StarlingAPI", "StarlingWorker", "StarlingStore", "StarlingOps", "StarlingSettings", "StarlingPush",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // `starling-loadtest`: the harness's command line (seeds a graph, drives a cluster, writes the report).
        .executableTarget(
            name: "starling-loadtest",
            dependencies: [
                "StarlingLoadTest", "StarlingSettings", "StarlingDomain", "StarlingRedis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "StarlingDomainTests", dependencies: ["StarlingDomain"]),
        .testTarget(name: "StarlingPushTests", dependencies: ["StarlingPush", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "StarlingLoadTestTests",
            dependencies: [
                "StarlingLoadTest", "StarlingSettings",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "StarlingIntegrationTests",
            dependencies: [
                "StarlingAPI", "StarlingWorker", "StarlingStore", "StarlingRedis", "StarlingTimelines", "StarlingPush",
                "StarlingMedia",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ]
)
