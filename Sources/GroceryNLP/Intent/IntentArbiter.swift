import GroceryProtocol

/// Decides between the rules and the classifier (DESIGN §10; docs/NLP.md, "Who wins").
///
/// The rules know exactly what they know — items, quantities, units, prices — and read
/// the intent of the phrasings they were written for. The classifier has seen every
/// labelled line and reads typos and unseen wording, and knows what is not a request at
/// all. A wrong change to the cart is worse than a miss, so:
/// - the rules' items and quantities always stand;
/// - when the rules would change the cart and the classifier is sure enough of something
///   else, the classifier wins: out of scope gives `unknown` with no items; a question
///   keeps the items for `search` and `price`; another change (an add that was a
///   removal) takes the classifier's intent, at its own, lower, confidence;
/// - but a change a rule read from its verb ("grab the priciest cheddar", "put 2 avocados
///   in my cart") is overruled only by out of scope, or by a question the classifier is
///   very sure of (p ≥ 0.9); another change only lowers its confidence, so it asks;
/// - between intents that change nothing (search, price, cart, help), the classifier
///   wins when very sure (p ≥ 0.9): the cart is safe either way;
/// - when the rules ask a question, they stand: nothing changes either way;
/// - when the rules found nothing and the classifier reads a request (p ≥ 0.7), its intent
///   is taken without items: one that needs an item says so, clear and checkout ask;
/// - a line that is nothing but products the rules explain whole ("blueberries", "2 milk
///   3 eggs") keeps the rules' intent and items: the classifier has few words to read,
///   but its doubt still lowers the confidence ("ok cool" asks before adding Cool Whip);
/// - the confidence is the classifier's probability of the intent given, times the
///   quality of the items' matches, so a change both agree on applies and one they
///   disagree on asks first (``NLPResult/confirmationThreshold``).
struct IntentArbiter: Sendable {
    /// How sure the classifier must be that a change the rules read is not a request, or a
    /// question, to overrule it.
    var overruleByQuestion = 0.5
    /// How sure the classifier must be of another change (a removal the rules read as an
    /// add) to overrule the rules. Below it the rules' intent stands, at the classifier's
    /// low probability of it, so it asks.
    var overruleByChange = 0.9
    /// How sure the classifier must be of a request to be heard where the rules found
    /// nothing: the rules finding nothing is evidence too. Chosen on leave-one-set-out
    /// predictions: 0.5 heard 3 more of 4,516 lines right, gave 4 more wrong changes to ask
    /// about, and read junk ("i want to speak to a manager") as a request.
    var heardAlone = 0.7
    /// How sure the classifier must be to move a reading between intents that change
    /// nothing (a search that was a price question, "help" that was chit-chat), or to
    /// read a change a rule named from its verb as a question ("add up what's in my
    /// cart"). Neither move can change the cart. Chosen on leave-one-set-out predictions
    /// (docs/NLP.md): at 0.9 both layers read 81 more of 4,966 lines right; at 0.8, 79;
    /// at 0.95, 69.
    var overruleToQuestion = 0.9

    /// The result to give, from what the rules read and the classifier's probabilities.
    func decide(_ reading: NLPParser.RulesReading, probabilities: IntentProbabilities) -> NLPResult {
        let ruled = reading.result
        var result = ruled
        let best = probabilities.best
        if overrules(reading, best: best) {
            result.intent = best.intent
            switch best.intent {
            case .unknown, .cart, .help, .clear, .checkout:
                result.items = []
                result.error = nil
            case .search, .price:
                result.error = nil
            case .add, .remove, .update:
                result.error = Self.problem(result.items, intent: best.intent)
            }
            // A quantity that cannot be is still refused, whatever was asked: the shopper
            // hears why, and nothing changes.
            if ruled.error?.code == .invalidQuantity { result.error = ruled.error }
        }
        if ruled.intent == .unknown, ruled.error == nil, best.intent != .unknown, best.probability >= heardAlone {
            return Self.classifierAlone(ruled, best: best)
        }
        let sure = result.items.isEmpty ? probabilities[result.intent] : probabilities[result.intent] * reading.quality
        result.confidence = (sure * 100).rounded() / 100
        return result
    }

    /// Whether the classifier's likeliest intent replaces the rules'. Moves toward fewer
    /// changes need less certainty than moves toward a change, and a change a rule read
    /// from its verb needs the most: only out of scope at `overruleByQuestion`, another
    /// question at `overruleToQuestion`, another change never (its confidence drops, so
    /// it asks).
    private func overrules(_ reading: NLPParser.RulesReading, best: (intent: Intent, probability: Double)) -> Bool {
        let ruled = reading.result.intent
        guard best.intent != ruled else { return false }
        if ruled.changesCart {
            guard !reading.exact else { return false }
            if !reading.named || best.intent == .unknown {
                return best.probability >= (best.intent.changesCart ? overruleByChange : overruleByQuestion)
            }
            return !best.intent.changesCart && best.probability >= overruleToQuestion
        }
        // Between readings that change nothing ("is there milk" as a price question or a
        // search, "what can you do lol" as help or chit-chat), whichever wins, the cart is safe.
        return ruled != .unknown && !best.intent.changesCart && best.probability >= overruleToQuestion
    }

    /// The rules found nothing ("qué tengo en el carrito", "c'est tout, merci") and the
    /// classifier reads a request: its intent, with no items. An intent that needs an item
    /// says which is missing, so nothing changes and the shopper hears what to add; clear
    /// and checkout, which need none, always ask first (their confidence stays below the
    /// threshold): a change only one layer saw is never applied by itself.
    private static func classifierAlone(_ ruled: NLPResult, best: (intent: Intent, probability: Double)) -> NLPResult {
        var result = ruled
        result.intent = best.intent
        result.items = []
        switch best.intent {
        case .add, .remove, .update, .price:
            result.error = problem([], intent: best.intent)
        case .search, .cart, .help, .clear, .checkout, .unknown:
            result.error = nil
        }
        var sure = (best.probability * 100).rounded() / 100
        if best.intent.changesCart { sure = min(sure, NLPResult.confirmationThreshold - 0.01) }
        result.confidence = sure
        return result
    }

    /// What stops `items` from being acted on under `intent`: no items, or an update
    /// without a new quantity.
    private static func problem(_ items: [NLPItem], intent: Intent) -> NLPProblem? {
        if items.isEmpty {
            return NLPProblem(code: .missingItem, message: "say which item, e.g. \"\(intent.rawValue) 2 gallons of milk\"")
        }
        if intent == .update, let vague = items.first(where: { !$0.quantitySaid }) {
            return NLPProblem(
                code: .missingQuantity, message: "say the new quantity, e.g. \"change \(vague.phrase.isEmpty ? "milk" : vague.phrase) to 3\"")
        }
        return nil
    }
}
