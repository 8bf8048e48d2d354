import GroceryNLP
import GroceryProtocol

/// The readable form of an ``NLPResult`` that `grocery nlp` prints without `--json`.
enum NLPSummary {
    static func render(_ result: NLPResult) -> String {
        var lines = ["\(result.intent.rawValue) (confidence \(format(result.confidence)))"]
        for item in result.items {
            let amount = "\(format(item.quantity)) \(item.unit.rawValue)"
            let phrase = item.phrase.isEmpty ? "" : " \"\(item.phrase)\""
            if let product = item.product {
                lines.append("  - \(amount)\(phrase) -> \(describe(product))")
            } else {
                lines.append("  - \(amount)\(phrase) -> no matching product")
            }
            if !item.alternatives.isEmpty {
                lines.append("      also: " + item.alternatives.map(describe).joined(separator: "; "))
            }
        }
        if let maxPrice = result.filters.maxPrice {
            lines.append("  max price: $\(money(maxPrice))")
        }
        if let error = result.error {
            lines.append("  error \(error.code.rawValue): \(error.message)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func describe(_ product: ProductSummary) -> String {
        "\(product.name) (\(product.size)) $\(money(product.price))"
    }

    private static func money(_ dollars: Double) -> String {
        guard let cents = Money.cents(dollars: dollars) else { return "\(dollars)" }
        return String(Money.format(cents: cents).dropFirst())
    }

    static func format(_ number: Double) -> String {
        guard number.isFinite else { return "\(number)" }
        if number == number.rounded(), abs(number) < 1e15 { return String(Int(number)) }
        return String(number)
    }
}
