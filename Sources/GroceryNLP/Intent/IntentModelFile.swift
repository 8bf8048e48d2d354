import Foundation
import GroceryProtocol

/// The bytes of `Resources/intent-model.bin`. Little-endian throughout:
/// `GIM1`, the dimension (UInt32), the class count (UInt8) and each class's name (a
/// length byte and UTF-8), the temperature (Float32), each class's bias and weight scale
/// (Float32 each), then every weight as an Int8 times its class's scale, slot by slot.
/// Eight bits a weight keep the file small enough to compile into the binary; the
/// rounding moves no probability by more than a few thousandths.
public enum IntentModelFile {
    /// A file that is not a model this build can read.
    public struct FormatError: Error, CustomStringConvertible {
        /// What is wrong, for people.
        public let description: String
    }

    static let magic = Array("GIM1".utf8)

    /// The model's bytes. Writing and reading them again gives ``decode(_:)``'s model.
    public static func encode(_ model: IntentModel) -> [UInt8] {
        let count = IntentModel.classes.count
        var bytes = magic
        append(UInt32(model.dimension), to: &bytes)
        bytes.append(UInt8(count))
        for intent in IntentModel.classes {
            bytes.append(UInt8(intent.rawValue.utf8.count))
            bytes += intent.rawValue.utf8
        }
        append(model.temperature.bitPattern, to: &bytes)
        var scales: [Float] = []
        for k in 0..<count {
            let largest = stride(from: k, to: model.weights.count, by: count).map { abs(model.weights[$0]) }.max() ?? 0
            scales.append(largest > 0 ? largest / 127 : 1)
            append(model.bias[k].bitPattern, to: &bytes)
            append(scales[k].bitPattern, to: &bytes)
        }
        for (index, weight) in model.weights.enumerated() {
            let level = (weight / scales[index % count]).rounded()
            bytes.append(UInt8(bitPattern: Int8(max(-127, min(127, level)))))
        }
        return bytes
    }

    /// Reads a model written by ``encode(_:)``.
    public static func decode(_ bytes: [UInt8]) throws -> IntentModel {
        var reader = Reader(bytes: bytes)
        guard try reader.take(4) == magic else { throw FormatError(description: "not an intent model (no GIM1 header)") }
        let dimension = Int(try reader.uint32())
        let count = Int(try reader.take(1)[0])
        var names: [String] = []
        for _ in 0..<count {
            let length = Int(try reader.take(1)[0])
            names.append(String(decoding: try reader.take(length), as: UTF8.self))
        }
        guard names == IntentModel.classes.map(\.rawValue) else {
            throw FormatError(description: "the model's classes \(names) are not this build's intents")
        }
        guard dimension > 0, dimension <= 1 << 24, dimension & (dimension - 1) == 0 else {
            throw FormatError(description: "bad dimension \(dimension) (a power of two up to 2^24)")
        }
        let temperature = Float(bitPattern: try reader.uint32())
        var bias: [Float] = []
        var scales: [Float] = []
        for _ in 0..<count {
            bias.append(Float(bitPattern: try reader.uint32()))
            scales.append(Float(bitPattern: try reader.uint32()))
        }
        let levels = try reader.take(dimension * count)
        guard reader.isAtEnd else { throw FormatError(description: "bytes after the weights") }
        guard temperature.isFinite, temperature > 0 else { throw FormatError(description: "bad temperature \(temperature)") }
        let weights = levels.enumerated().map { index, level in Float(Int8(bitPattern: level)) * scales[index % count] }
        return IntentModel(dimension: dimension, weights: weights, bias: bias, temperature: temperature)
    }

    /// The model compiled into the binary from `Resources/intent-model.bin`.
    public static let bundled: IntentModel = {
        do {
            return try decode(PackageResources.intent_model_bin)
        } catch {
            // The file is part of the build and checked by tests; a bad one is a build defect.
            fatalError("bundled intent model: \(error)")
        }
    }()

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var isAtEnd: Bool { offset == bytes.count }

        mutating func take(_ count: Int) throws -> [UInt8] {
            guard count >= 0, offset + count <= bytes.count else { throw FormatError(description: "the model file is cut short") }
            defer { offset += count }
            return Array(bytes[offset..<offset + count])
        }

        mutating func uint32() throws -> UInt32 {
            try take(4).enumerated().reduce(0) { $0 | UInt32($1.element) << UInt32(8 * $1.offset) }
        }
    }
}
