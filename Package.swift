// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "grocery",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "grocery", targets: ["grocery"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/pointfreeco/swift-clocks", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssh", from: "0.15.1"),
        // Only the tests use these two, to make a certificate of their own.
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        // ncursesw, for the terminal UI (DESIGN §1). Apt provides it as libncurses-dev.
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        .target(name: "GroceryProtocol"),
        // The catalog and the intent model live in the top-level Resources/ folder and are
        // compiled into the binary (embedInCode), so `grocery nlp` works from any directory
        // and from a copied release binary. Catalog/catalog.json, Intent/intent-model.bin and
        // Text/other-languages.json are symlinks to them.
        .target(
            name: "GroceryNLP",
            dependencies: ["GroceryProtocol"],
            resources: [
                .embedInCode("Catalog/catalog.json"), .embedInCode("Intent/intent-model.bin"), .embedInCode("Text/other-languages.json"),
            ],
            // Optimised in debug builds too: `swift test` retrains the intent classifier
            // (IntentLayerTests), which takes 6 minutes unoptimised and 40 s optimised.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .target(
            name: "GroceryServer",
            dependencies: [
                "GroceryProtocol",
                "GroceryNLP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        .target(
            name: "GroceryClient",
            dependencies: [
                "GroceryProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "GroceryTUI",
            dependencies: ["GroceryClient", "GroceryProtocol", "CNcursesw"]
        ),
        // The shop over SSH (DESIGN §8): host key, who may log in, sessions. It does not
        // import the server or the TUI: the `grocery` command wires them.
        .target(
            name: "GrocerySSH",
            dependencies: [
                "GroceryProtocol",
                .product(name: "NIOSSH", package: "swift-nio-ssh"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "grocery",
            dependencies: [
                "GroceryProtocol",
                "GroceryNLP",
                "GroceryServer",
                "GroceryClient",
                "GroceryTUI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "GroceryProtocolTests", dependencies: ["GroceryProtocol", "GroceryClient"]),
        .testTarget(
            name: "GrocerySSHTests",
            dependencies: ["GrocerySSH", "GroceryTestSupport", .product(name: "NIOSSH", package: "swift-nio-ssh")]
        ),
        .testTarget(
            name: "GroceryNLPTests",
            dependencies: ["GroceryNLP", "GroceryProtocol", "GroceryClient", "GroceryTestSupport"],
            exclude: ["Ratchet"],
            resources: [.copy("Fixtures")]
        ),
        // Real clients for tests: a WebSocket client driven step by step, raw HTTP and raw frames.
        .target(
            name: "GroceryTestSupport",
            dependencies: [
                "GroceryProtocol",
                "GroceryServer",
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/GroceryTestSupport"
        ),
        .testTarget(
            name: "GroceryServerTests",
            dependencies: [
                "GroceryServer",
                "GroceryClient",
                "GroceryProtocol",
                "GroceryTestSupport",
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "GroceryClientTests",
            dependencies: [
                "GroceryClient",
                "GroceryProtocol",
                "GroceryServer",
                "GroceryTestSupport",
                .product(name: "Clocks", package: "swift-clocks"),
            ],
            exclude: ["Peers"]
        ),
        .testTarget(
            name: "GroceryTUITests",
            dependencies: ["GroceryTUI", "GroceryClient", "GroceryProtocol", "GroceryTestSupport"],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "groceryTests",
            dependencies: [
                "grocery", "GroceryProtocol", "GroceryNLP", "GroceryServer", "GroceryTestSupport",
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            exclude: ["Golden"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
