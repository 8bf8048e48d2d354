import ArgumentParser
import Foundation
import GroceryNLP
import GroceryProtocol

/// `grocery nlp train`: retrain the intent classifier from the labelled sets.
struct NLPTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Retrain the intent classifier from the labelled sets and write its weights.",
        discussion: """
            Run from the package's root. Reads the training sets (\(IntentTrainer.trainingSets.joined(separator: ", ")))
            from FIXTURES, scores each set with a model trained on the others (leave one set
            out), fits the confidence temperature on those predictions, trains on every
            line and writes the model. Deterministic: the same lines give the same file, byte
            for byte. The must-not-change set is never read.
            """
    )

    @Option(help: "The folder of labelled sets.")
    var fixtures = "Tests/GroceryNLPTests/Fixtures"

    @Option(help: "Where to write the model.")
    var output = "Resources/intent-model.bin"

    func run() throws {
        var lines: [LabelledLine] = []
        for set in IntentTrainer.trainingSets {
            let url = URL(fileURLWithPath: fixtures).appendingPathComponent("\(set).jsonl")
            let text: String
            do {
                text = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read \(url.path): run from the package's root or give --fixtures")
            }
            lines += try LabelledLine.read(jsonLines: text, set: set)
        }
        let (model, evaluation) = IntentTrainer(settings: IntentTrainer.settings(from: ProcessInfo.processInfo.environment)).trainShipped(lines)
        var report = "leave one set out (\(lines.count) lines):\n"
        for set in evaluation.sets {
            let count = lines.filter { $0.set == set }.count
            report += "  \(set.padding(toLength: 10, withPad: " ", startingAt: 0)) \(String(format: "%5.1f", 100 * evaluation.accuracy(of: set))) %  (\(count) lines)\n"
        }
        report += String(
            format: "  mean %.1f %%, minimum %.1f %%, temperature %.3f\n", 100 * evaluation.meanAccuracy, 100 * evaluation.minimumAccuracy,
            evaluation.temperature)
        report += "confusion (row: labelled, column: predicted):\n" + Self.confusion(evaluation)
        report += "reliability (probability of the likeliest intent, at the fitted temperature):\n" + Self.reliability(evaluation)
        let bytes = IntentModelFile.encode(model)
        try Data(bytes).write(to: URL(fileURLWithPath: output))
        report += "wrote \(output) (\(bytes.count) bytes)\n"
        Output.standardOutput(report)
    }

    private static func confusion(_ evaluation: CrossValidation) -> String {
        let classes = IntentModel.classes
        var rows = "          " + classes.map { String($0.rawValue.prefix(6)).padding(toLength: 7, withPad: " ", startingAt: 0) }.joined() + "\n"
        for want in classes {
            let lines = evaluation.predictions.filter { $0.line.intent == want }
            rows += "  " + want.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            rows += classes.map { got in String(lines.filter { $0.predicted == got }.count).padding(toLength: 7, withPad: " ", startingAt: 0) }.joined() + "\n"
        }
        return rows
    }

    private static func reliability(_ evaluation: CrossValidation) -> String {
        var bins = Array(repeating: (lines: 0, right: 0, sum: 0.0), count: 5)
        for prediction in evaluation.predictions {
            let probabilities = evaluation.probabilities(prediction)
            let best = probabilities.best
            let bin = min(4, max(0, Int((best.probability - 0.5) / 0.1)))
            bins[bin].lines += 1
            bins[bin].sum += best.probability
            if best.intent == prediction.line.intent { bins[bin].right += 1 }
        }
        var rows = "  probability  lines  mean said  right\n"
        for (index, bin) in bins.enumerated() where bin.lines > 0 {
            let low = index == 0 ? "< 0.6" : String(format: "%.1f–%.1f", 0.5 + 0.1 * Double(index), 0.6 + 0.1 * Double(index))
            rows += "  " + low.padding(toLength: 11, withPad: " ", startingAt: 0)
            rows += String(format: "  %5d  %9.2f  %5.2f\n", bin.lines, bin.sum / Double(bin.lines), Double(bin.right) / Double(bin.lines))
        }
        return rows
    }
}
