/// The fixed corpus `grocery bench nlp` parses: every intent, quantities, units,
/// multi-item sentences, misspellings, filters and junk, in a realistic mix.
enum NLPCorpus {
    static let queries: [String] = [
        "add 2 gallons of milk", "add a dozen eggs", "i need bread", "bananas", "3 yogurt", "water x6",
        "could you please add 2 lbs of ground beef", "we're out of paper towels", "i'd love some ice cream",
        "get me a bag of rice and 2 cans of tuna", "4 limes, a bag of rice and 2 cans of tuna",
        "bread, butter and jam", "add organic whole milk", "add silk almond milk", "add oatly oat milk",
        "half a gallon of orange juice", "1/2 lb of cheddar", "add 1.5 kg potatoes", "twelve eggs",
        "a couple of avocados", "2 x sourdough bread", "add potatos", "add strawbery", "cucumbr",
        "greek yoghurt", "remove the milk", "i don't need eggs anymore", "bacon no longer needed",
        "take the bread out of my cart", "no more chips", "change the milk to 3", "make it 2 dozen eggs",
        "set bananas to 6", "do you have oat milk", "is sourdough in stock", "are strawberries on sale",
        "search for cereal under $5", "find gluten free bread", "how much is milk", "price of eggs",
        "what does coffee cost", "show my cart", "what's in my cart", "clear my cart", "start over",
        "checkout", "place my order", "i'm done shopping", "help", "what can you do",
        "what's the weather like", "tell me a joke", "", "   ", "'; DROP TABLE products; --",
        "🍌🍌🍌", "leche y huevos por favor", "ADD MILK!!!", "add 0 apples", "add 1000 eggs",
        "add half and half and 2 heads of lettuce", "put cheerios, dog food and cat litter in my cart",
        "do you sell pampers diapers", "how much are bananas per pound", "remove 2 apples from my basket",
    ]
}
