// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "grocery",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "grocery", targets: ["grocery"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // ncursesw, for the terminal UI (DESIGN §1). Apt provides it as libncurses-dev.
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        .target(name: "GroceryProtocol"),
        // The catalog lives in the top-level Resources/ folder and is compiled into the
        // binary (embedInCode), so `grocery nlp` works from any directory and from a
        // copied release binary. Catalog/catalog.json is a symlink to Resources/catalog.json.
        .target(
            name: "GroceryNLP",
            dependencies: ["GroceryProtocol"],
            resources: [.embedInCode("Catalog/catalog.json")]
        ),
        .executableTarget(
            name: "grocery",
            dependencies: [
                "GroceryProtocol",
                "GroceryNLP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "GroceryProtocolTests", dependencies: ["GroceryProtocol"]),
        .testTarget(
            name: "GroceryNLPTests",
            dependencies: ["GroceryNLP", "GroceryProtocol"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "groceryTests", dependencies: ["grocery"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
