import GroceryProtocol

/// The phrase tables: courtesy to ignore, intent rules, item lead-ins and tails.
enum Grammar {
    /// Words dropped wherever they stand.
    static let courtesy: WordSet = [
        "please", "pls", "plz", "plox", "kindly", "thanks", "thx", "thankyou", "cheers",
        // hesitations of dictated text: "can i get um five pounds of …"
        "um", "umm", "uh", "uhh", "uhm", "erm", "er", "hmm", "mmm",
        // address and slang that carry no request: "which deodorant is cheapest, dear?",
        // "cheapest frozen pizza fr"
        "dear", "fr", "ngl", "tbh", "lowkey", "bruh", "lol", "lmao", "haha", "oh",
    ]

    /// Dropped from the start of a query, repeatedly ("ok so can you please …").
    static let leadingFillers: [Pattern] = [
        Pattern("hey|hi|hello|yo|ok|okay|so|um|umm|uh|uhh|er|well|oh|wait|yes|yeah|yep|yup|alright|aight|ight|and|also|then|now|just|right|hmm|sure|actually|quick|quickly|oops|nvm|grocery|walmart|bro|dude|nah|ayo|welp|omg|ugh|on_second_thought|on_second_thoughts"),
        Pattern("(can|could|would|will|wont) (you|u|ya) (also|just|quickly|maybe)?"),
        Pattern("would you mind"),
        Pattern("(would|could|will) (you|u) (be_so_kind_as_to|be_so_kind_and|be_kind_enough_to|kindly)"),
        Pattern("(i|id|i_would|we|wed) (would|d)? (like|want|need) (you|u) to"),
        Pattern("i_want_you_to|i_need_you_to|go_ahead_and|be_a_dear_and"),
        Pattern("lets|let_us"),
        Pattern("(i|we) (think|guess|believe|suppose) (that)?"),
        // "I should like to see the most expensive item in the pet section"
        Pattern("(i|we|id|wed) (should|would|d)? (like|love|want) to (see|look_at|find|know)"),
        Pattern("thank you"),
        // "me I need 4 bananas": the speaker said twice.
        Pattern("me (i|we)_(need|want|would_like|like)"),
    ]

    /// Dropped from the end of a query, repeatedly ("… right now thanks").
    static let trailingFillers: [Pattern] = [
        Pattern("now|asap|today|tonight|ok|okay|thanks|thank_you|thx|again|quickly|real_quick|if_possible|if_you_can|right_now|for_me|for_us|as_soon_as_possible|while_youre_at_it|yeah|then|mate|buddy|bro|is_fine|is_good|will_do|is_enough|is_plenty|should_do|is_ok|is_okay|is_all|please|through|rn|atm|pls|plz|lol|lmao|haha|ugh|fam|lets_go|lets_goo|lets_gooo|if_you_please|if_you_would|if_you_would_be_so_kind|if_its_not_too_much_trouble|thank_you_kindly|for_now|honestly|whatever|asking_for_a_friend|show_me_what_you_got|show_me_whatchu_got|lemme_see|let_me_see|nothing_fancy"),
        // "…, and that will be all for today", "thank you very much"
        Pattern("(and)? (that|thatll|that_will|this|thats|that_should|that_would) (be|is)? (all|it|everything) (for_today|for_now|for_me|thanks|thank_you)?"),
        Pattern("thank_you_very_much|thanks_very_much|thank_you_so_much|thanks_so_much|thanks_a_lot|many_thanks|much_appreciated"),
        // "lemme see my order before i pay": what comes after is not part of the request
        Pattern("(before|so|then|and_then|after) (i|we) (pay|check_out|checkout|go|leave|order)"),
    ]

    /// "(to|from|in) my cart" and friends.
    static let cartLocative = Pattern(
        "(to|from|in|into|onto|on|off|out_of|off_of|out|of|at) (my|the|our|your)? (shopping)? (cart|basket|trolley|list|order|bag|shopping_list)?")

    /// Words that only introduce the items ("… to get", "some", "more").
    static let itemLeadIns: [Pattern] = [
        Pattern("to|so|that|and|also|then|just|only|but"),
        Pattern("(get|buy|add|grab|order|pick_up|have|purchase|try|include|put|bring)"),
        // "put in my basket two bottles …", "add for me 500 gram …"
        Pattern("(in|into|to|onto|inside)? (my|the|our) (shopping)? (cart|basket|trolley|list|bag)"),
        Pattern("(for)? (me|us)"),
        Pattern("(some|more|any|another|extra|additional|of|of_the|the|those|these|that|this|my|our|whatever|whichever|all|all_of|all_of_the|all_the)"),
    ]

    /// Words that only close the items ("… anymore", "… to my cart").
    static let itemTails: [Pattern] = [
        cartLocative,
        Pattern("anymore|any_more|any_longer|no_more|please|too|as_well|also|either|for_dinner|for_lunch|for_breakfast|for_the_week|for_the_party|for_tonight|for_tomorrow|this_week|today|tomorrow|now|right_now|instead|back|away|off|out|it|them|there|again|then|thanks|ok"),
        Pattern("(in|from|to|into)? (there|it)"),
        Pattern("(that|which)? (you|u|ya|yall|you_guys|youve|you_ve|ya_got) (have|got|carry|sell|stock|have_got|have_today|have_in_stock|got_there)?"),
        // What a list or search is of: "the tillamook products", "toothpaste brands"
        Pattern("products|items|brands|options|kinds|varieties|flavors|flavours|selection|choices|stuff|things"),
        // "whatever apples are cheapest per pound": how the price was said
        Pattern("(is|are)? (per|a|by_the) (pound|lb|each)"),
        Pattern("is|are"),
        // Where in the store it is: "ice cream in the freezer case"
        Pattern("(in|from|on|at) (the|your)? (freezer|frozen|dairy|deli|bakery|produce|meat|seafood|snack|cereal|bread|pet|baby|cleaning|household|beverage|drink|drinks|soda|candy|pasta|spice|refrigerated|cold) (case|cases|section|aisle|department|shelf|shelves|cooler|area)"),
        // A dangling joiner or condition: "steak but", "salmon that's", "oj if it's"
        Pattern("but|and|if|if_its|if_it_is|if_theyre|if_they_are|as_long_as_its|when|that|thats|which|though|tho|that_is"),
    ]

    /// Joiners between items.
    static let joiners: WordSet = ["and", "plus", "with", "also", "n", "then", "alongside"]
    /// Multi-word joiners, collapsed to "and" before splitting.
    static let joinerPhrases: [Pattern] = [Pattern("as_well_as|along_with|together_with|and_also|and_some|and_then")]

    /// The intent rules, most specific first, indexed by their first and last words.
    static let rules = RuleIndex(IntentRules.all)
}
