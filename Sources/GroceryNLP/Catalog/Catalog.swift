import Foundation

/// The products the store sells, loaded once and then read-only.
public struct Catalog: Sendable {
    /// Every product, in file order.
    public let products: [Product]
    private let byID: [String: Int]

    /// A catalog that could not be read.
    public struct LoadError: Error, CustomStringConvertible {
        /// What went wrong, for people.
        public let description: String
    }

    /// Builds a catalog; ids must be unique.
    public init(products: [Product]) throws {
        var byID: [String: Int] = [:]
        for (index, product) in products.enumerated() {
            guard byID.updateValue(index, forKey: product.id) == nil else {
                throw LoadError(description: "duplicate product id \(product.id)")
            }
        }
        self.products = products
        self.byID = byID
    }

    /// Reads the catalog file format (`{"version":1,"currency":"USD","products":[…]}`).
    public init(json: Data) throws {
        struct File: Decodable {
            let version: Int
            let currency: String
            let products: [Product]
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: json)
        } catch {
            throw LoadError(description: "catalog is not valid: \(error)")
        }
        guard file.version == 1, file.currency == "USD" else {
            throw LoadError(description: "unsupported catalog version \(file.version) / \(file.currency)")
        }
        try self.init(products: file.products)
    }

    /// The catalog compiled into the binary from `Resources/catalog.json`.
    public static let bundled: Catalog = {
        do {
            return try Catalog(json: Data(PackageResources.catalog_json))
        } catch {
            // The file is part of the build and checked by tests; a bad one is a build defect.
            fatalError("bundled catalog: \(error)")
        }
    }()

    /// The product with this id.
    public func product(id: String) -> Product? {
        byID[id].map { products[$0] }
    }
}
