import Foundation

/// What ``IntentTrainer`` minimises: the softmax cross-entropy of every line, each weighed
/// by its intent's rarity, averaged over the lines, plus an L2 penalty on the weights.
/// Parameters are the weights (`slot * classes + class`) followed by one bias per class.
struct TrainingObjective: Sendable {
    private let classes: Int
    private let dimension: Int
    private let l2: Double
    /// Every line's slots and values, one line after another: line i's are
    /// `starts[i]..<starts[i + 1]`.
    private let slots: [Int]
    private let values: [Double]
    private let starts: [Int]
    private let labels: [Int]
    /// A line's weight in the mean: its intent's weight over the number of lines.
    private let lineWeights: [Double]

    /// `balance` says how far a line is weighed against its intent's frequency: 0 not at
    /// all, 1 so that every intent weighs the same in total.
    init(_ data: [(FeatureVector, Int)], classes: Int, dimension: Int, balance: Float, l2: Double) {
        self.classes = classes
        self.dimension = dimension
        self.l2 = l2
        var slots: [Int] = []
        var values: [Double] = []
        var starts = [0]
        for (vector, _) in data {
            vector.forEach { slot, value in
                slots.append(slot)
                values.append(Double(value))
            }
            starts.append(slots.count)
        }
        (self.slots, self.values, self.starts) = (slots, values, starts)
        labels = data.map(\.1)
        var perClass = [Double](repeating: 0, count: classes)
        for label in labels { perClass[label] += 1 }
        let lines = Double(max(data.count, 1))
        let classWeight = perClass.map { $0 > 0 ? pow(lines / (Double(classes) * $0), Double(balance)) : 0 }
        lineWeights = labels.map { classWeight[$0] / lines }
    }

    /// How many parameters there are.
    var parameterCount: Int { (dimension + 1) * classes }

    /// The loss at `parameters`, and its gradient written into `gradient`.

    func evaluate(_ parameters: [Double], gradient: inout [Double]) -> Double {
        let (classes, biases) = (classes, dimension * classes)
        var loss = 0.0
        var scores = [Double](repeating: 0, count: classes)
        gradient = [Double](repeating: 0, count: parameters.count)
        // Unsafe buffers: this loop is all of training's time, and runs in debug builds' tests.
        parameters.withUnsafeBufferPointer { p in
            gradient.withUnsafeMutableBufferPointer { g in
                scores.withUnsafeMutableBufferPointer { scores in
                    slots.withUnsafeBufferPointer { slots in
                        values.withUnsafeBufferPointer { values in
                            for line in labels.indices {
                                let features = starts[line]..<starts[line + 1]
                                for k in 0..<classes { scores[k] = p[biases + k] }
                                for j in features {
                                    let (row, value) = (slots[j] * classes, values[j])
                                    for k in 0..<classes { scores[k] += p[row + k] * value }
                                }
                                var top = -Double.infinity
                                for k in 0..<classes { top = max(top, scores[k]) }
                                var sum = 0.0
                                for k in 0..<classes { sum += exp(scores[k] - top) }
                                let (label, weight) = (labels[line], lineWeights[line])
                                loss -= weight * (scores[label] - top - log(sum))
                                // From here on, scores[k] is d(loss)/d(score k).
                                for k in 0..<classes { scores[k] = weight * (exp(scores[k] - top) / sum - (k == label ? 1 : 0)) }
                                for j in features {
                                    let (row, value) = (slots[j] * classes, values[j])
                                    for k in 0..<classes { g[row + k] += scores[k] * value }
                                }
                                for k in 0..<classes { g[biases + k] += scores[k] }
                            }
                        }
                    }
                }
                for index in 0..<biases {
                    loss += l2 / 2 * p[index] * p[index]
                    g[index] += l2 * p[index]
                }
            }
        }
        return loss
    }
}
