import GroceryProtocol

/// Percentiles of a set of measured durations (nearest-rank).
struct LatencyStats {
    private let sorted: [Duration]

    init(_ samples: [Duration]) {
        sorted = samples.sorted()
    }

    /// The smallest sample at or above `percent` % of all samples; zero when there are none.
    func percentile(_ percent: Double) -> Duration {
        guard !sorted.isEmpty else { return .zero }
        let rank = Int((percent / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

extension Duration {
    /// The duration in microseconds as a `Double`.
    var microseconds: Double { seconds * 1e6 }
}
