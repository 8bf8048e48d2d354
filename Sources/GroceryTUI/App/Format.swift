import Foundation
import GroceryClient
import GroceryProtocol

/// Number and time formats of the screen.
enum Format {
    /// "2.3 s", never negative.
    static func seconds(_ value: Double) -> String {
        String(format: "%.1f s", max(0, value))
    }

    /// "$3.48"
    static func money(_ dollars: Double) -> String {
        String(format: "$%.2f", dollars)
    }

    /// "2 × Whole Milk", "1.5 lb Bananas", "4 × Gala Apples, ≈1.5 lb" (pieces at an
    /// estimated weight).
    static func cartLine(_ line: CartSnapshot.Line) -> String {
        if let weight = line.estimatedWeight {
            return "\(quantity(line.quantity)) × \(line.name), ≈\(quantity((weight * 100).rounded() / 100)) lb"
        }
        return "\(quantity(line.quantity))\(line.unit == .lb ? " lb" : " ×") \(line.name)"
    }

    /// "2" or "1.5"
    static func quantity(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(format: "%g", value)
    }

    /// "2026-12-02 18:52" in `zone`, for an order's time.
    static func date(_ secondsSince1970: Double, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: secondsSince1970))
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    /// "01:05" since the start, for the log.
    static func clock(_ time: Duration) -> String {
        let total = max(0, Int(time.seconds))
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(total / 60 % 60)):\(two(total % 60))"
    }

    /// A failed channel's reason for the status row: giving up is said briefly (the log
    /// has the last problem).
    static func failure(_ reason: ConnectionProblem) -> String {
        if case .gaveUp(let attempts, _) = reason { return "gave up after \(attempts) attempts" }
        return "failed: \(reason)"
    }

    /// The words for a channel state, as the status row shows them.
    static func state(_ state: ConnectionState, now: Duration, maxAttempts: Int) -> (symbol: String, text: String, color: Style.Color) {
        switch state {
        case .idle:
            ("○", "starting", .normal)
        case .connecting(let attempt):
            ("◐", attempt == 0 ? "connecting…" : "connecting (attempt \(attempt)/\(maxAttempts))…", .yellow)
        case .connected(_, let rtt):
            ("●", "connected" + (rtt.map { " · \(max(0, $0.wholeMilliseconds)) ms" } ?? ""), .green)
        case .waiting(let attempt, let retryAt, _):
            ("◌", "reconnecting in \(seconds((retryAt - now).seconds)) (attempt \(attempt)/\(maxAttempts)) · Ctrl-R retry now", .yellow)
        case .failed(let reason, _):
            ("✖", failure(reason) + " · Ctrl-R to retry", .red)
        case .closed:
            ("○", "closed", .normal)
        }
    }
}
