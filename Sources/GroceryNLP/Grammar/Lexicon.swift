import GroceryProtocol

/// Words with a fixed meaning: units, number words, quantity phrases.
enum Lexicon {
    /// Unit words that may follow a quantity, or stand alone before "of" ("bag of rice").
    static let units: WordMap<QuantityUnit> = {
        var table: [String: QuantityUnit] = [:]
        let spellings: [QuantityUnit: [String]] = [
            .each: ["each", "ea", "piece", "pieces", "pc", "pcs", "ct", "count", "item", "items", "unit", "units", "tub", "tubs", "container", "containers"],
            .lb: ["lb", "lbs", "pound", "pounds", "#"],
            .oz: ["oz", "ozs", "ounce", "ounces"],
            .kg: ["kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramme", "kilogrammes"],
            .g: ["g", "gr", "gm", "gms", "gram", "grams", "gramme", "grammes"],
            .gallon: ["gal", "gals", "gallon", "gallons"],
            .quart: ["qt", "qts", "quart", "quarts"],
            .pint: ["pt", "pts", "pint", "pints"],
            .liter: ["l", "ltr", "ltrs", "liter", "liters", "litre", "litres"],
            .ml: ["ml", "mls", "milliliter", "milliliters", "millilitre", "millilitres"],
            .dozen: ["dozen", "dozens", "doz", "dz"],
            .pack: ["pack", "packs", "pk", "pks", "package", "packages", "packet", "packets", "case", "cases", "multipack"],
            .bag: ["bag", "bags", "sack", "sacks"],
            .box: ["box", "boxes", "bx"],
            .bottle: ["bottle", "bottles", "btl", "btls"],
            .can: ["can", "cans", "tin", "tins"],
            .jar: ["jar", "jars"],
            .bunch: ["bunch", "bunches"],
            .loaf: ["loaf", "loaves"],
            .carton: ["carton", "cartons"],
            .stick: ["stick", "sticks"],
            .head: ["head", "heads"],
        ]
        for (unit, words) in spellings {
            for word in words { table[word] = unit }
        }
        return WordMap(table)
    }()

    /// Unit spellings too short or common to be a unit unless a number comes right before.
    static let unitsOnlyAfterNumbers: Set<String> = [
        "l", "g", "gr", "gm", "gms", "pt", "pts", "qt", "ct", "pc", "pk", "ea", "bx", "dz", "doz", "#",
        "each", "item", "items", "unit", "units", "count", "piece", "pieces", "case", "cases", "can", "cans",
    ]

    /// "one" … "twenty", the tens, and big words so "a million apples" is refused, not misread.
    static let numberWords: WordMap<Double> = [
        "zero": 0, "none": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
        "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
        "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
        "hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000,
        "half": 0.5, "quarter": 0.25,
    ]

    /// Phrases that are a quantity on their own ("a couple of" = 2).
    /// Shorthand of hurried typing, read as the words meant ("2 cans blk beans", "clr
    /// cart", "gf pasta"). Units have their own spellings (`Lexicon.units`).
    static let abbreviations: WordMap<[String]> = [
        "blk": ["black"], "wht": ["white"], "grn": ["green"], "org": ["organic"], "lg": ["large"], "sm": ["small"], "med": ["medium"],
        "bnls": ["boneless"], "sknls": ["skinless"], "choc": ["chocolate"], "van": ["vanilla"], "hb": ["hamburger"],
        "gf": ["gluten", "free"], "pb": ["peanut", "butter"], "tp": ["toilet", "paper"], "chg": ["change"], "clr": ["clear"],
        "cmds": ["commands"], "cmd": ["commands"], "del": ["delete"], "chkout": ["checkout"],
        "cukes": ["cucumbers"], "cuke": ["cucumber"], "n": ["and"], "wat": ["what"], "wut": ["what"], "outta": ["out", "of"],
    ]

    /// Every word a quantity phrase can begin with.
    static let quantityPhraseStarts = WordSet(quantityPhrases.flatMap { $0.0.firstWords?.set ?? [] })

    static let quantityPhrases: [(Pattern, Double)] = [
        (Pattern("a? couple (of)?"), 2),
        (Pattern("a? pair (of)?"), 2),
        (Pattern("a few (of)?"), 3),
        (Pattern("few (of)?"), 3),
        (Pattern("several (of)?"), 3),
        (Pattern("half (a|an)"), 0.5),
        (Pattern("half of (a|an)?"), 0.5),
        (Pattern("a half"), 0.5),
        (Pattern("a quarter (of)?"), 0.25),
        (Pattern("a third (of)? (a|an)?"), 1.0 / 3),
        // "a thing of sour cream": one of whatever it comes in.
        (Pattern("(a|one) (thing|container) of"), 1),
        (Pattern("one and a half"), 1.5),
        (Pattern("a|an|one"), 1),
    ]

    /// Words ignored when matching products ("the milk", "some eggs").
    static let matchStopwords: WordSet = [
        "the", "a", "an", "some", "of", "for", "my", "me", "to", "in", "on", "into", "from", "more",
        "extra", "another", "any", "few", "that", "this", "those", "these", "it", "them", "our", "your",
        "i", "we", "you", "just", "also", "too", "get", "is", "are", "with", "x", "and", "or", "at",
        "fresh", "good", "nice", "kind", "brand", "please", "thanks", "all", "again", "like",
        "quantity", "qty", "amount", "whatever", "whichever", "whatevers", "whichevers",
    ]
}
