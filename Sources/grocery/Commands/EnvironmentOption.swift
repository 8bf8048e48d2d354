import ArgumentParser
import Foundation

/// An option's value: the flag if given, else its `GROCERY_…` environment variable, else the default.
struct EnvironmentOption {
    var environment: [String: String]

    /// One declaration per option: `parse` validates the flag (as its text) exactly as it
    /// validates the variable, so `--heartbeat-ms 0` is refused like `GROCERY_HEARTBEAT_MS=0`.
    func value<T>(_ flag: T?, _ name: String, default fallback: T, parse: (String) -> T?) throws -> T {
        if let flag {
            guard let parsed = parse("\(flag)") else { throw ValidationError("\(Self.flagName(name)) \(flag) is not a valid value") }
            return parsed
        }
        guard let text = environment[name], !text.isEmpty else { return fallback }
        guard let parsed = parse(text) else { throw ValidationError("\(name)=\(text) is not a valid value") }
        return parsed
    }

    /// The flag of a variable: GROCERY_HEARTBEAT_MS → --heartbeat-ms.
    static func flagName(_ variable: String) -> String {
        "--" + variable.dropFirst("GROCERY_".count).lowercased().replacingOccurrences(of: "_", with: "-")
    }

    func value<T: LosslessStringConvertible>(_ flag: T?, _ name: String, default fallback: T) throws -> T {
        try value(flag, name, default: fallback) { T($0) }
    }

    /// A flag given as text that is parsed like its variable ("1000-5000").
    func parsed<T>(_ flag: String?, _ name: String, default fallback: T, parse: (String) -> T?) throws -> T {
        guard let flag else { return try value(nil, name, default: fallback, parse: parse) }
        guard let parsed = parse(flag) else { throw ValidationError("\(flag) is not a valid value for the option of \(name)") }
        return parsed
    }

    /// For string options that are parsed further (log level).
    static func value<T>(_ flag: String?, _ name: String, default fallback: String, parse: (String) -> T?) throws -> T {
        let text = flag ?? ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
        guard let parsed = parse(text) else { throw ValidationError("\(text) is not a valid value for \(name)") }
        return parsed
    }
}
