import GroceryProtocol
import Testing

@testable import GroceryNLP

/// Who wins between the rules and the classifier (docs/NLP.md, "Who wins"), as a pure
/// function: a reading of the rules and the classifier's probabilities in, a result out.
@Suite("Understanding: who wins")
struct IntentArbiterTests {
    /// Probabilities with `probability` on `intent` and the rest spread evenly.
    static func classifier(_ intent: Intent, _ probability: Double) -> IntentProbabilities {
        let others = (1 - probability) / Double(IntentModel.classes.count - 1)
        return IntentProbabilities(IntentModel.classes.map { $0 == intent ? probability : others })
    }

    static let nothing = NLPParser.RulesReading(NLPResult(text: "qué tengo en el carrito", intent: .unknown, confidence: 0))

    @Test("the rules found nothing: a question the classifier is sure of is taken, and changes nothing")
    func questionTaken() {
        for intent in [Intent.cart, .help, .search] {
            let result = IntentArbiter().decide(Self.nothing, probabilities: Self.classifier(intent, 0.75))
            #expect(result.intent == intent && result.items.isEmpty && result.error == nil && result.confidence == 0.75)
        }
        let price = IntentArbiter().decide(Self.nothing, probabilities: Self.classifier(.price, 0.75))
        #expect(price.intent == .price && price.error?.code == .missingItem)
    }

    @Test("the rules found nothing: a change only the classifier saw is never applied by itself")
    func changeNeverApplied() {
        for intent in [Intent.add, .remove, .update] {
            let result = IntentArbiter().decide(Self.nothing, probabilities: Self.classifier(intent, 0.99))
            #expect(result.intent == intent && result.items.isEmpty && result.error?.code == .missingItem)
        }
        for intent in [Intent.clear, .checkout] {
            let result = IntentArbiter().decide(Self.nothing, probabilities: Self.classifier(intent, 0.99))
            #expect(result.intent == intent && result.error == nil && !result.isSure, "\(intent) at \(result.confidence) would apply unasked")
        }
    }

    @Test("the rules found nothing and the classifier is unsure, or the line was refused: nothing is taken")
    func unsureOrRefusedStands() {
        #expect(IntentArbiter().decide(Self.nothing, probabilities: Self.classifier(.cart, 0.65)).intent == .unknown)
        var refused = Self.nothing
        refused.result.error = NLPProblem(code: .invalidQuantity, message: "a quantity must be between 1 and 999")
        let result = IntentArbiter().decide(refused, probabilities: Self.classifier(.add, 0.99))
        #expect(result.intent == .unknown && result.error?.code == .invalidQuantity)
    }

    static let milk = NLPItem(
        phrase: "milk", quantity: 1, unit: .each,
        product: ProductSummary(id: "milk-whole-gallon", name: "Whole Milk", price: 3.48, size: "1 gal", category: "dairy"))

    @Test("between readings that change nothing, the classifier wins when very sure: a search that was a price question keeps its items")
    func questionToQuestion() {
        let search = NLPParser.RulesReading(NLPResult(text: "milk how much", intent: .search, confidence: 1, items: [Self.milk]), named: true)
        let price = IntentArbiter().decide(search, probabilities: Self.classifier(.price, 0.95))
        #expect(price.intent == .price && price.items == [Self.milk] && price.error == nil)
        let chat = IntentArbiter().decide(search, probabilities: Self.classifier(.unknown, 0.95))
        #expect(chat.intent == .unknown && chat.items.isEmpty)
        // Less sure: the rules stand.
        #expect(IntentArbiter().decide(search, probabilities: Self.classifier(.price, 0.85)).intent == .search)
        // A change is never reached this way: the reading stays a search.
        #expect(IntentArbiter().decide(search, probabilities: Self.classifier(.add, 0.99)).intent == .search)
    }

    @Test("a change a rule named from its verb: a question the classifier is very sure of wins and changes nothing; another change only asks")
    func namedChangeToQuestion() {
        let added = NLPParser.RulesReading(NLPResult(text: "add up what's in my cart", intent: .add, confidence: 1, items: [Self.milk]), named: true)
        let cart = IntentArbiter().decide(added, probabilities: Self.classifier(.cart, 0.95))
        #expect(cart.intent == .cart && cart.items.isEmpty && !cart.intent.changesCart)
        #expect(IntentArbiter().decide(added, probabilities: Self.classifier(.cart, 0.85)).intent == .add)
        let removal = IntentArbiter().decide(added, probabilities: Self.classifier(.remove, 0.99))
        #expect(removal.intent == .add && !removal.isSure)
        // A line of nothing but products keeps the rules' reading.
        let exact = NLPParser.RulesReading(NLPResult(text: "milk", intent: .add, confidence: 1, items: [Self.milk]), exact: true)
        #expect(IntentArbiter().decide(exact, probabilities: Self.classifier(.cart, 0.99)).intent == .add)
    }
}
