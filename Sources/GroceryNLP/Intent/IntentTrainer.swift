import Foundation
import GroceryProtocol

/// Trains ``IntentModel``s: the softmax cross-entropy with an L2 penalty, minimised over
/// all lines at once by limited-memory BFGS. The same lines and settings give the same
/// model bit for bit (no randomness, one thread, a fixed order of every sum).
public struct IntentTrainer: Sendable {
    /// The sets the shipped model is trained on, in this order.
    public static let trainingSets = [
        "phrasings", "tuning", "tuning2", "tuning3", "tuning4", "tuning5", "tuning6", "tuning7", "tuning8", "tuning9",
        "heldout", "intents", "intents2", "intents3", "intents4", "intents5", "intents6",
    ]
    /// Sets that are only ever scored: the must-not-change set.
    public static let neverTrainedOn = ["mustnotchange"]

    /// Everything that decides the model besides its lines.
    public struct Settings: Sendable, Equatable {
        /// Steps of the optimiser; each reads every line once or a few times.
        public var iterations = 150
        /// Feature slots: a power of two.
        public var dimension = 1 << 14
        /// The L2 penalty on the weights (not the biases), against the mean loss a line.
        public var l2: Double = 1e-6
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

    /// Settings from `GROCERY_TRAIN_*` variables (ITERATIONS, DIMENSION, L2, BALANCE),
    /// the shipped ones for the rest: for trying a recipe with `grocery nlp train`.
    public static func settings(from environment: [String: String]) -> Settings {
        var settings = Settings()
        if let value = environment["GROCERY_TRAIN_ITERATIONS"].flatMap(Int.init), value > 0 { settings.iterations = value }
        if let value = environment["GROCERY_TRAIN_DIMENSION"].flatMap(Int.init), value > 0, value & (value - 1) == 0 { settings.dimension = value }
        if let value = environment["GROCERY_TRAIN_L2"].flatMap(Double.init), value >= 0 { settings.l2 = value }
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
        let objective = TrainingObjective(data, classes: count, dimension: settings.dimension, balance: settings.balance, l2: settings.l2)
        var parameters = [Double](repeating: 0, count: objective.parameterCount)
        LimitedMemoryBFGS(iterations: settings.iterations).minimize(&parameters) { objective.evaluate($0, gradient: &$1) }
        let weights = parameters[..<(settings.dimension * count)].map { Float($0) }
        let bias = parameters[(settings.dimension * count)...].map { Float($0) }
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
