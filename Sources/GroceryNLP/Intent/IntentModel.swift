import Foundation
import GroceryProtocol

/// The probabilistic intent layer (DESIGN §10): multinomial logistic regression over
/// ``IntentFeatures``, one class per ``Intent`` (`unknown` is the out-of-scope class).
/// Trained by ``IntentTrainer``; shipped as `Resources/intent-model.bin`
/// (``IntentModelFile``) and compiled into the binary like the catalog.
public struct IntentModel: Sendable, Equatable {
    /// The classes, in the order of every per-class array.
    public static let classes = Intent.allCases

    /// How many slots features are hashed into.
    let dimension: Int
    /// `weights[slot * classes.count + class]`: a slot's classes side by side, as a line
    /// reads them.
    var weights: [Float]
    /// One per class.
    var bias: [Float]
    /// Divides the scores before the softmax; fitted so that probabilities match how
    /// often the model is right on lines it was not trained on.
    var temperature: Float

    var features: IntentFeatures { IntentFeatures(dimension: dimension) }

    /// The probability of each intent for `text`.
    public func probabilities(_ text: String) -> IntentProbabilities {
        probabilities(features.vector(text))
    }

    /// The same, from the tokens the parser has read already.
    func probabilities(_ text: String, tokens: [Token]) -> IntentProbabilities {
        probabilities(features.vector(text, tokens: tokens))
    }

    func probabilities(_ vector: FeatureVector) -> IntentProbabilities {
        IntentProbabilities(Self.softmax(scores(vector), temperature: temperature))
    }

    func scores(_ vector: FeatureVector) -> [Float] {
        let count = Self.classes.count
        var scores = bias
        weights.withUnsafeBufferPointer { weights in
            scores.withUnsafeMutableBufferPointer { scores in
                for (index, slot) in vector.slots.enumerated() {
                    let value = index < vector.wordCount ? vector.wordValue : vector.characterValue
                    let row = Int(slot) * count
                    for k in 0..<count { scores[k] += weights[row + k] * value }
                }
            }
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
