import Foundation
import GroceryProtocol

/// Trains ``IntentModel``s: seeded stochastic gradient descent on the softmax
/// cross-entropy with an L2 penalty. The same lines and settings give the same model bit
/// for bit (one thread, a fixed order of every sum, a seeded shuffle).
public struct IntentTrainer: Sendable {
    /// The sets the shipped model is trained on, in this order.
    public static let trainingSets = [
        "phrasings", "tuning", "tuning2", "tuning3", "tuning4", "tuning5", "tuning6", "tuning7", "tuning8", "tuning9",
        "heldout", "intents", "intents2", "intents3",
    ]
    /// Sets that are only ever scored: the must-not-change set.
    public static let neverTrainedOn = ["mustnotchange"]

    /// Everything that decides the model besides its lines.
    public struct Settings: Sendable, Equatable {
        /// Seeds the order lines are visited in.
        public var seed: UInt64 = 31
        /// Passes over the lines.
        public var epochs = 20
        /// Feature slots: a power of two.
        public var dimension = 1 << 14
        /// The L2 penalty per step.
        public var l2: Float = 1e-4
        /// The first pass's step size; pass e uses rate / (1 + e).
        public var rate: Float = 1
        /// How far lines are weighed against their intent's frequency: 0 not at all,
        /// 1 so that every intent weighs the same in total.
        public var balance: Float = 0.75

        /// The shipped model's settings.
        public init() {}
    }

    /// The settings used.
    public let settings: Settings

    /// A trainer with these settings.
    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Settings from `GROCERY_TRAIN_*` variables (SEED, EPOCHS, DIMENSION, L2, RATE, BALANCE),
    /// the shipped ones for the rest: for trying a recipe with `grocery nlp train`.
    public static func settings(from environment: [String: String]) -> Settings {
        var settings = Settings()
        if let value = environment["GROCERY_TRAIN_SEED"].flatMap(UInt64.init) { settings.seed = value }
        if let value = environment["GROCERY_TRAIN_EPOCHS"].flatMap(Int.init) { settings.epochs = value }
        if let value = environment["GROCERY_TRAIN_DIMENSION"].flatMap(Int.init), value > 0, value & (value - 1) == 0 { settings.dimension = value }
        if let value = environment["GROCERY_TRAIN_L2"].flatMap(Float.init) { settings.l2 = value }
        if let value = environment["GROCERY_TRAIN_RATE"].flatMap(Float.init) { settings.rate = value }
        if let value = environment["GROCERY_TRAIN_BALANCE"].flatMap(Float.init) { settings.balance = value }
        return settings
    }

    /// A model of `lines` with temperature 1.
    public func train(_ lines: [LabelledLine]) -> IntentModel {
        fit(zip(vectors(lines), lines).map { ($0, Self.classIndex($1.intent)) })
    }

    /// The shipped model: trained on every line, its temperature fitted on
    /// ``leaveOneSetOut(_:)``'s predictions, with that evaluation.
    public func trainShipped(_ lines: [LabelledLine]) -> (model: IntentModel, evaluation: CrossValidation) {
        let vectors = vectors(lines)
        let evaluation = leaveOneSetOut(lines, vectors: vectors)
        let model = fit(zip(vectors, lines).map { ($0, Self.classIndex($1.intent)) })
        return (model.at(temperature: evaluation.temperature), evaluation)
    }

    /// For each set, a model trained on the others scores that set's lines.
    public func leaveOneSetOut(_ lines: [LabelledLine]) -> CrossValidation {
        leaveOneSetOut(lines, vectors: vectors(lines))
    }

    private func vectors(_ lines: [LabelledLine]) -> [FeatureVector] {
        let features = IntentFeatures(dimension: settings.dimension)
        return lines.map { features.vector($0.text) }
    }

    private func leaveOneSetOut(_ lines: [LabelledLine], vectors: [FeatureVector]) -> CrossValidation {
        var sets: [String] = []
        for line in lines where !sets.contains(line.set) { sets.append(line.set) }
        var predictions: [CrossValidation.Prediction] = []
        for set in sets {
            let training = lines.indices.filter { lines[$0].set != set }
            let model = fit(training.map { (vectors[$0], Self.classIndex(lines[$0].intent)) })
            for index in lines.indices where lines[index].set == set {
                predictions.append(CrossValidation.Prediction(line: lines[index], scores: model.scores(vectors[index])))
            }
        }
        return CrossValidation(sets: sets, predictions: predictions, temperature: Self.fitTemperature(predictions))
    }

    static func classIndex(_ intent: Intent) -> Int {
        IntentModel.classes.firstIndex(of: intent)!
    }

    private func fit(_ data: [(FeatureVector, Int)]) -> IntentModel {
        let count = IntentModel.classes.count
        var weights = [Float](repeating: 0, count: settings.dimension * count)
        var bias = [Float](repeating: 0, count: count)
        // The weights are `scale * weights`: the penalty shrinks every weight at each step
        // by shrinking one number.
        var scale: Float = 1
        var random = SplitMix64(seed: settings.seed)
        var order = Array(data.indices)
        var probabilities = [Float](repeating: 0, count: count)
        // A rare intent's lines weigh more, so that it is not outvoted by the common ones.
        var perClass = [Float](repeating: 0, count: count)
        for (_, label) in data { perClass[label] += 1 }
        let classWeight = perClass.map { $0 > 0 ? pow(Float(data.count) / (Float(count) * $0), settings.balance) : 0 }
        weights.withUnsafeMutableBufferPointer { weights in
            for epoch in 0..<settings.epochs {
                for index in order.indices.reversed() where index > 0 {
                    order.swapAt(index, Int(random.next() % UInt64(index + 1)))
                }
                let rate = settings.rate / Float(1 + epoch)
                for sample in order {
                    let (vector, label) = data[sample]
                    for k in 0..<count { probabilities[k] = bias[k] }
                    vector.forEach { slot, value in
                        let row = slot * count
                        for k in 0..<count { probabilities[k] += scale * weights[row + k] * value }
                    }
                    let top = probabilities.max()!
                    var sum: Float = 0
                    for k in 0..<count {
                        probabilities[k] = exp(probabilities[k] - top)
                        sum += probabilities[k]
                    }
                    scale *= 1 - rate * settings.l2
                    for k in 0..<count {
                        let gradient = classWeight[label] * (probabilities[k] / sum - (k == label ? 1 : 0))
                        probabilities[k] = rate * gradient / scale
                        bias[k] -= rate * gradient
                    }
                    vector.forEach { slot, value in
                        let row = slot * count
                        for k in 0..<count { weights[row + k] -= probabilities[k] * value }
                    }
                }
                for index in weights.indices { weights[index] *= scale }
                scale = 1
            }
        }
        return IntentModel(dimension: settings.dimension, weights: weights, bias: bias, temperature: 1)
    }

    /// The temperature that makes the predictions' probabilities likeliest (golden-section
    /// search over its logarithm, 0.05…20).
    static func fitTemperature(_ predictions: [CrossValidation.Prediction]) -> Float {
        func loss(_ logT: Double) -> Double {
            predictions.reduce(0) { total, prediction in
                let p = IntentModel.softmax(prediction.scores, temperature: Float(exp(logT)))
                return total - log(max(p[classIndex(prediction.line.intent)], 1e-12))
            }
        }
        var (low, high) = (log(0.05), log(20.0))
        let ratio = (5.0.squareRoot() - 1) / 2
        for _ in 0..<60 {
            let a = high - ratio * (high - low)
            let b = low + ratio * (high - low)
            if loss(a) < loss(b) { high = b } else { low = a }
        }
        return Float(exp((low + high) / 2))
    }
}

/// What leave-one-set-out says of a training recipe.
public struct CrossValidation: Sendable {
    /// One line's scores from the model trained without its set.
    public struct Prediction: Sendable {
        /// The line.
        public let line: LabelledLine
        /// The model's scores, before the softmax.
        public let scores: [Float]

        /// The likeliest intent.
        public var predicted: Intent {
            IntentModel.classes[scores.indices.max { scores[$0] < scores[$1] }!]
        }
    }

    /// The sets, in the order first seen.
    public let sets: [String]
    /// Every line's prediction.
    public let predictions: [Prediction]
    /// The temperature fitted on the predictions.
    public let temperature: Float

    /// A prediction's probabilities at the fitted temperature.
    public func probabilities(_ prediction: Prediction) -> IntentProbabilities {
        IntentProbabilities(IntentModel.softmax(prediction.scores, temperature: temperature))
    }

    /// Share of a set's lines whose likeliest intent is the one labelled.
    public func accuracy(of set: String) -> Double {
        let lines = predictions.filter { $0.line.set == set }
        return Double(lines.filter { $0.predicted == $0.line.intent }.count) / Double(max(lines.count, 1))
    }

    /// The mean of the sets' accuracies.
    public var meanAccuracy: Double { sets.map(accuracy(of:)).reduce(0, +) / Double(max(sets.count, 1)) }
    /// The worst set's accuracy.
    public var minimumAccuracy: Double { sets.map(accuracy(of:)).min() ?? 0 }
}
