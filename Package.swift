// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "faro",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "faro", targets: ["faro"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2", traits: []),
    ],
    targets: [
        .target(name: "FaroModel", swiftSettings: swiftSettings),
        .target(name: "CFaroZlib", linkerSettings: [.linkedLibrary("z")]),
        .target(
            name: "FaroSupport",
            dependencies: ["FaroModel", "CFaroZlib", .product(name: "Subprocess", package: "swift-subprocess")],
            swiftSettings: swiftSettings
        ),
        .target(name: "FaroSchema", dependencies: ["FaroModel"], swiftSettings: swiftSettings),
        .target(name: "FaroConfig", dependencies: ["FaroModel", "FaroSchema"], swiftSettings: swiftSettings),
        .target(
            name: "FaroStore",
            dependencies: [
                "FaroModel", "FaroSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The cluster store: a client of etcd's v3 JSON gateway and `EtcdConfigStore`.
        .target(
            name: "FaroEtcd",
            dependencies: [
                "FaroModel", "FaroStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FaroTasks",
            dependencies: ["FaroModel", "FaroSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(name: "CFaroPAM", linkerSettings: [.linkedLibrary("pam")]),
        .target(
            name: "FaroAccess",
            dependencies: [
                "FaroModel", "FaroSupport", "FaroStore", "FaroConfig", "CFaroPAM",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FaroStorage",
            dependencies: ["FaroModel", "FaroSupport", "FaroConfig", "FaroSchema", "FaroStore"],
            swiftSettings: swiftSettings
        ),
        // Proxmox's backup formats: VMA, container tars, archives streamed through compressors.
        .target(
            name: "FaroBackup",
            dependencies: ["FaroModel", "FaroSupport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The VM and CT option schemas, below the method table and both guest drivers.
        .target(name: "FaroGuestSchema", dependencies: ["FaroModel", "FaroSchema"], swiftSettings: swiftSettings),
        // The core VMs and containers share: config store, the VMID's lock, volume ledger.
        .target(name: "FaroGuest", dependencies: ["FaroModel", "FaroSupport", "FaroConfig", "FaroStore"], swiftSettings: swiftSettings),
        .target(
            name: "FaroQMP",
            dependencies: [
                "FaroModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FaroQemu",
            dependencies: [
                "FaroModel", "FaroSupport", "FaroQMP", "FaroSchema", "FaroConfig", "FaroStorage", "FaroStore", "FaroGuest",
                "FaroGuestSchema",
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FaroLXC",
            dependencies: [
                "FaroModel", "FaroSupport", "FaroSchema", "FaroConfig", "FaroStore", "FaroStorage", "FaroGuest", "FaroGuestSchema",
            ],
            swiftSettings: swiftSettings
        ),
        // The cluster's network side: CA and node certificates, this node's etcd member,
        // the directory of other nodes and forwarding requests to them.
        .target(
            name: "FaroCluster",
            dependencies: [
                "FaroModel", "FaroSupport", "FaroStore", "FaroEtcd", "FaroConfig",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        // vzdump: backing guests up into (and restoring them from) Proxmox's archives.
        .target(
            name: "FaroVZDump",
            dependencies: [
                "FaroModel", "FaroSupport", "FaroBackup", "FaroStorage", "FaroQemu", "FaroQMP", "FaroLXC", "FaroGuest", "FaroConfig",
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FaroMetrics",
            dependencies: [
                "FaroModel", "FaroSupport", "FaroConfig", "FaroSchema", "FaroStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FaroAPISpec", dependencies: ["FaroModel", "FaroSchema", "FaroConfig", "FaroGuestSchema"], swiftSettings: swiftSettings
        ),
        .target(
            name: "FaroAPI",
            dependencies: [
                "FaroModel", "FaroSupport", "FaroSchema", "FaroConfig", "FaroStore", "FaroTasks", "FaroAPISpec", "FaroAccess",
                "FaroStorage", "FaroGuest", "FaroGuestSchema", "FaroQemu", "FaroQMP", "FaroLXC", "FaroCluster", "FaroVZDump", "FaroBackup",
                "FaroMetrics",
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FaroServer",
            dependencies: [
                "FaroModel", "FaroSupport", "FaroStore", "FaroEtcd", "FaroTasks", "FaroAPI", "FaroAPISpec", "FaroAccess",
                "FaroStorage", "FaroQemu", "FaroCluster",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FaroClient",
            dependencies: [
                "FaroModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FaroCLI",
            dependencies: [
                "FaroModel", "FaroSchema", "FaroAPISpec", "FaroClient", "FaroSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "faro",
            dependencies: [
                "FaroCLI", "FaroServer", "FaroSupport", "FaroAPISpec", "FaroModel",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "faro-store-tool",
            dependencies: [
                "FaroStore", "FaroTesting", "FaroAPI", "FaroEtcd", "FaroCluster", "FaroMetrics", "FaroModel", "FaroAccess", "FaroTasks",
                "FaroSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "FaroTesting",
            dependencies: [
                "FaroModel", "FaroSupport", "FaroStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "FaroModelTests", dependencies: ["FaroModel"], swiftSettings: swiftSettings),
        .testTarget(name: "FaroSchemaTests", dependencies: ["FaroSchema", "FaroModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "FaroAccessTests", dependencies: ["FaroAccess", "FaroModel", "FaroStore", "FaroTesting"], swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FaroStorageTests", dependencies: ["FaroStorage", "FaroTesting", "FaroSupport", "FaroConfig", "FaroStore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FaroBackupTests", dependencies: ["FaroBackup", "FaroTesting", "FaroSupport", "FaroModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "FaroVZDumpTests", dependencies: ["FaroVZDump", "FaroModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "FaroLXCTests",
            dependencies: [
                "FaroLXC", "FaroGuestSchema", "FaroTesting", "FaroSupport", "FaroStorage", "FaroStore", "FaroConfig", "FaroModel",
            ],
            exclude: ["Golden"], swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FaroGuestTests", dependencies: ["FaroGuest", "FaroConfig", "FaroStore", "FaroTesting", "FaroModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FaroClusterTests", dependencies: ["FaroCluster", "FaroStore", "FaroSupport", "FaroTesting", "FaroModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FaroMetricsTests", dependencies: ["FaroMetrics", "FaroSupport", "FaroTesting"], swiftSettings: swiftSettings
        ),
        .testTarget(name: "FaroConfigTests", dependencies: ["FaroConfig"], swiftSettings: swiftSettings),
        .testTarget(
            name: "FaroStoreTests",
            dependencies: ["FaroStore", "FaroTesting", "FaroSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FaroEtcdTests",
            dependencies: ["FaroEtcd", "FaroStore", "FaroTesting", "FaroSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FaroTasksTests",
            dependencies: ["FaroTasks", "FaroTesting", "FaroModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FaroAPITests",
            dependencies: [
                "FaroAPI", "FaroAPISpec", "FaroServer", "FaroEtcd", "FaroCluster", "FaroTesting", "FaroModel", "FaroSchema", "FaroConfig",
                "FaroAccess", "FaroQemu",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FaroCLITests",
            dependencies: ["FaroCLI", "FaroAPISpec", "FaroClient", "FaroModel", "FaroTesting", "FaroSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FaroSupportTests",
            dependencies: ["FaroSupport", "FaroTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FaroQMPTests",
            dependencies: ["FaroQMP", "FaroModel", "FaroTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FaroQemuTests",
            dependencies: [
                "FaroQemu", "FaroQMP", "FaroModel", "FaroSupport", "FaroTesting", "FaroConfig", "FaroSchema", "FaroStorage",
                "FaroStore",
            ],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FaroIntegrationTests",
            dependencies: ["FaroClient", "FaroModel", "FaroTesting", "FaroSupport", "FaroStore"],
            swiftSettings: swiftSettings
        ),
    ]
)
