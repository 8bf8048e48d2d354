import Foundation
import GroceryProtocol

/// The probabilistic intent layer (DESIGN §10): multinomial logistic regression over
/// ``IntentFeatures``, one class per ``Intent`` (`unknown` is the out-of-scope class).
/// Trained by ``IntentTrainer``; shipped as `Resources/intent-model.bin`
/// (``IntentModelFile``) and compiled into the binary like the catalog.
///
/// A class, so that copying the parser that holds it copies one reference: the parser is
/// copied into closures on every query.
public final class IntentModel: Sendable, Equatable {
    /// The classes, in the order of every per-class array.
    public static let classes = Intent.allCases

    /// How many slots features are hashed into.
    let dimension: Int
    /// `weights[slot * classes.count + class]`: a slot's classes side by side, as a line
    /// reads them.
    let weights: [Float]
    /// One per class.
    let bias: [Float]
    /// Divides the scores before the softmax; fitted so that probabilities match how
    /// often the model is right on lines it was not trained on.
    let temperature: Float
    /// `weights` a slot to a vector, padded to 16 classes: one vector add per feature.
    private let rows: [SIMD16<Float>]

    init(dimension: Int, weights: [Float], bias: [Float], temperature: Float) {
        self.dimension = dimension
        self.weights = weights
        self.bias = bias
        self.temperature = temperature
        let count = Self.classes.count
        rows = (0..<dimension).map { slot in
            var row = SIMD16<Float>()
            for k in 0..<count { row[k] = weights[slot * count + k] }
            return row
        }
    }

    /// Same weights, bias and temperature.
    public static func == (a: IntentModel, b: IntentModel) -> Bool {
        a === b
            || a.dimension == b.dimension && a.weights == b.weights && a.bias == b.bias && a.temperature == b.temperature
    }

    var features: IntentFeatures { IntentFeatures(dimension: dimension) }

    /// The same weights at another temperature.
    func at(temperature: Float) -> IntentModel {
        IntentModel(dimension: dimension, weights: weights, bias: bias, temperature: temperature)
    }

    /// The probability of each intent for `text`.
    public func probabilities(_ text: String) -> IntentProbabilities {
        probabilities(text, tokens: Tokenizer.tokenize(text))
    }

    /// The same, from the tokens the parser has read already.
    func probabilities(_ text: String, tokens: [Token]) -> IntentProbabilities {
        var sum = SIMD16<Float>()
        rows.withUnsafeBufferPointer { rows in
            features.forEachFeature(text, tokens: tokens) { slot, value, _ in sum += rows[slot] * value }
        }
        // The softmax, in place over the vector's lanes.
        var top = -Float.infinity
        for k in 0..<Self.classes.count {
            sum[k] = (sum[k] + bias[k]) / temperature
            top = max(top, sum[k])
        }
        var total: Float = 0
        for k in 0..<Self.classes.count {
            sum[k] = exp(sum[k] - top)
            total += sum[k]
        }
        return IntentProbabilities((0..<Self.classes.count).map { Double(sum[$0] / total) })
    }

    /// The scores of a stored vector (training, and leave-one-set-out's predictions).
    func scores(_ vector: FeatureVector) -> [Float] {
        let count = Self.classes.count
        var scores = bias
        vector.forEach { slot, value in
            for k in 0..<count { scores[k] += weights[slot * count + k] * value }
        }
        return scores
    }

    static func softmax(_ scores: [Float], temperature: Float) -> [Double] {
        let scaled = scores.map { Double($0) / Double(temperature) }
        let top = scaled.max() ?? 0
        let exps = scaled.map { exp($0 - top) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }
}

/// What the intent classifier thinks of one line.
public struct IntentProbabilities: Sendable, Equatable {
    /// In the order of ``IntentModel/classes``; they sum to 1.
    public let values: [Double]

    init(_ values: [Double]) { self.values = values }

    /// The probability of `intent`.
    public subscript(intent: Intent) -> Double {
        values[IntentModel.classes.firstIndex(of: intent)!]
    }

    /// The likeliest intent and its probability.
    public var best: (intent: Intent, probability: Double) {
        let index = values.indices.max { values[$0] < values[$1] }!
        return (IntentModel.classes[index], values[index])
    }
}
