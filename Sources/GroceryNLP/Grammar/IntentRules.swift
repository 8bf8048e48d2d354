/// The intent rules, most specific first; see ``IntentRule``.
///
/// Words are normalised before matching: lowercase, no apostrophes ("don't" → "dont",
/// "what's" → "whats", "I'd" → "id"), courtesy words and leading fillers removed.
enum IntentRules {
    static let all: [IntentRule] = outOfScope + help + clear + checkout + cart + countedRemove + earlyAdd + update + remove + price + search + add
        + bareVerbs

    /// Not shopping at all: questions about the world, commands for a shell or a database.
    static let outOfScope: [IntentRule] = [
        // Chit-chat: praise and small talk name no product ("you're the best" is not Bush's Best).
        IntentRule(.unknown, start: "(youre|you_are|ur|you_re|u_r|thats|that_is) (the|so|very|really|a|an|such_a)? (best|great|awesome|amazing|helpful|smart|funny|cool|lifesaver|star|legend|the_best|a_star|a_legend)", rest: .any),
        // Instructions to the assistant itself, and shop questions it cannot answer.
        IntentRule(.unknown, start: "(you_are_now|youre_now|you_are_in|act_as|pretend|pretend_to_be|ignore|disregard|forget_your|forget_all|system_prompt|admin_mode|developer_mode|jailbreak|enter_admin|enable_admin|new_instructions)", rest: .any),
        IntentRule(.unknown, start: "(set|change|make) (every|all|all_the) (price|prices)", rest: .any),
        // Store services, payment methods, returns, people: not the cart's business.
        IntentRule(.unknown, start: "(where|wheres|where_is|where_s) (is|are)? (the|a|your)? (nearest|closest|next)? (store|stores|location|locations|walmart|branch|restroom|restrooms|bathroom|bathrooms|exit|pharmacy|customer_service|parking)", rest: .any),
        IntentRule(.unknown, start: "(can|could|may|do) (i|we|you) (pay|paying|accept|take) (with|by|using|in|via)", rest: .any),
        IntentRule(.unknown, start: "(i|we|id|wed)? (need|want|would_like|d_like|have|wanna) (to)? (return|exchange|refund|get_a_refund)", rest: .any),
        IntentRule(.unknown, start: "(return|refund|exchange) (an|a|my|this|the)? (item|order|something|purchase|product)", rest: .any),
        IntentRule(.unknown, start: "(i|we|id|wed)? (need|want|would_like|d_like|wanna) (to)? (speak|talk) (to|with)", rest: .any),
        IntentRule(.unknown, start: "(do|does) (you|u|walmart|the_store) (deliver|ship|do_delivery|do_pickup|have_delivery|have_pickup)", rest: .any),
        IntentRule(.unknown, start: "(how_many_calories|calories_in|calories|nutrition|nutritional|how_healthy|is_it_healthy|recipe|recipes|recipe_for|how_do_i_cook|how_to_cook|how_to_make|how_do_i_make|how_long_to|set_a_timer|set_an_alarm|set_timer|timer|alarm)", rest: .any),
        IntentRule(.unknown, start: "(whats|what_is) (the)? (meaning_of_life|meaning_of|point_of|capital_of|weather|time|date|news|score|stock_price)", rest: .any),
        IntentRule(.unknown, start: "(how|when|where|can|could) (do|can|could|will|is|are)? (i|we|you)? (get|request|ask_for|make|track|return|cancel_my_subscription)? (a|my|an)? (refund|return|exchange|delivery|deliveries|pickup_time|store_hours|opening_hours|hours|order_status|tracking|subscription|membership|account|password)", rest: .any),
        IntentRule(.unknown, start: "(do|does) (you|u|walmart|the_store) (deliver|do_delivery|ship|open|close|take|accept) ", rest: .any),
        // "are you guys open on thanksgiving", "is the store open sunday": store service, not shopping.
        IntentRule(.unknown, start: "(are|is|r) (you|u|you_guys|yall|ya|the_store|walmart|it) (open|closed|still_open|hiring)", rest: .any),
        IntentRule(.unknown, start: "(how_are_you|how_r_u|hows_it_going|whats_up|good_morning|good_afternoon|good_evening|good_night|nice_to_meet_you|i_love_you|love_you|bye|goodbye|see_you|see_ya|lol|haha)", rest: .any),
        IntentRule(.unknown, start: "(who|whos|who_is|who_was|who_won|why|when_is|when_was|when_did|tell_me_a|tell_me_about_yourself|book_me|book_a|sing|write_me|write_a|what_time|whats_the_time|whats_the_weather|what_is_the_weather|how_old|sudo|rm_rf|rm_r|drop_table|select|delete_from|insert_into|ignore_previous|ignore_all|are_you_hiring|are_you_open|are_you_a|are_you_human|are_you_real|whats_your_name|what_is_your_name|open_the|turn_on|turn_off|play|call|text|email|spam)", rest: .any),
    ]

    /// "take 2 of the pears out", "put 2 of the kiwis back": before `update`, whose "take 2"
    /// would read a new total.
    static let countedRemove: [IntentRule] = [
        // "take off three of the yoplaits", "knock off 2 apples": off the cart, not a new total.
        IntentRule(.remove, start: "(take|knock|strike|cross|pull) (off|out|away)", rest: .nonEmpty),
        IntentRule(.remove, start: "(take|put|pull|get|move)", end: "(out|off|back|away) (of|from|off_of)? (my|the|our)? (cart|basket|trolley|list|order)?", rest: .nonEmpty),
        IntentRule(.remove, start: "(take|put|pull|get|move)", end: "(out_of|off_of|off|from) (my|the|our) (cart|basket|trolley|list|order)", rest: .nonEmpty),
    ]

    /// Adds whose verb alone would mean remove ("toss in the pasta sauce" is not "toss").
    static let earlyAdd: [IntentRule] = [
        IntentRule(.add, start: "(toss|throw|chuck|pop|stick|drop|slip|tuck|put) (in|into|on|onto)", rest: .nonEmpty),
        // "I'd like to get rid of the chips": the verb after the wish decides.
        IntentRule(.remove, start: "(i|id|we|wed)? (would|d)? (like|want|need|wanna) (to)? (get_rid_of|remove|delete|drop|ditch|take_out|cancel|lose)", rest: .nonEmpty),
        IntentRule(.add, start: "(put|write|jot) down", rest: .nonEmpty),
        // "drop 4 bags of flour on the order": where it goes makes it an add.
        IntentRule(.add, start: "(drop|toss|throw|chuck|pop|stick|put|slip)", end: "(on|in|into|onto|to) (the|my|our) (order|cart|basket|list|trolley)", rest: .nonEmpty),
    ]

    /// A verb with nothing after it ("add"): the intent is clear, the item is missing.
    static let bareVerbs: [IntentRule] = [
        IntentRule(.add, start: "add|buy|purchase|get|grab|include|put|order|need|want|i_need|i_want", rest: .empty),
        IntentRule(.remove, start: "remove|delete|drop|take_out|discard|rm", rest: .empty),
        IntentRule(.update, start: "change|update|set|modify|adjust|edit", rest: .empty),
    ]

    static let help: [IntentRule] = [
        IntentRule(.help, start: "(help|helpme|halp|assist|assistance|support|commands|instructions|usage|examples|menu|tutorial|manual|h)", rest: .empty),
        IntentRule(.help, start: "(help|show|list|print|give|see) (me)? (the|your|some)? (help|commands|instructions|usage|examples|options|menu)", rest: .empty),
        IntentRule(.help, start: "help (me|with|on)", rest: .any),
        IntentRule(.help, start: "(i|we)? (need|want|could_use|would_like) (some)? (help|assistance|support|instructions)", rest: .any),
        IntentRule(.help, start: "(can|could) (you|u|someone) help", rest: .any),
        IntentRule(.help, start: "what (can|should|do|may) (you|i|we) (do|say|type|ask|use|write|enter)", rest: .any),
        IntentRule(.help, start: "(can|could|would)? (you|u)? (tell|show) (me|us) (what|how) (i|we) (can|should|could|am_supposed_to|do|may)? (type|say|ask|do|write|enter|use|talk)", rest: .any),
        IntentRule(.help, start: "(whats|what_is|what_are) (this|the_commands|your_commands|the_options|possible|available|supported)", rest: .any),
        IntentRule(.help, start: "how (do|does|can|should|to) (i|you|this|it|one|we|the_app|the_program|use)", rest: .any),
        IntentRule(.help, start: "how (this|it) works", rest: .any),
        IntentRule(.help, start: "(what|whats) (are)? (my|the|your) (options|choices)", rest: .empty),
        IntentRule(.help, start: "how (i|we|do_i|can_i) (use|work) (this|the|it) (app|thing|program|assistant|site)?", rest: .any),
        IntentRule(.help, start: "what (can|do) (u|ya) (do|help_with|help_me_with)", rest: .any),
        IntentRule(.help, start: "how (does|do) (this|it|the) (thing|app|program|assistant|bot|site)? (even)? (work|works)", rest: .any),
        IntentRule(.help, start: "(could|can|would) (you|u) (explain|tell_me) (what|how)", end: "(help|helping|assist|assisting) (me|us)? (with)?", rest: .any),
        IntentRule(.help, start: "what (kinds_of|kind_of|sort_of|sorts_of|types_of)? (things|stuff|questions|requests) (can|could|should|do) (i|we|you) (actually|really|even|also)? (ask|say|type|do|handle|understand)", rest: .any),
        IntentRule(.help, start: "(im|i_am|were|we_are|i_feel|totally) (confused|lost|stuck)", rest: .any),
        IntentRule(.help, start: "i (dont|do_not|cant|cannot) (know|understand|figure_out|get) (how|what)?", rest: .any),
        IntentRule(.help, start: "(what|which) (commands|options|instructions|keywords|phrases|words|things|queries) (are_there|can_i_use|do_you_understand|are_available|do_you_know|can_i_say|can_i_type|work|do_you_support|are_supported)?", rest: .empty),
        IntentRule(.help, start: "(is_there|do_you_have|got) (a|any)? (help|manual|guide|tutorial|commands|instructions)", rest: .empty),
    ]

    static let clear: [IntentRule] = [
        // "86 everything on the order", "yeet everything outta the cart", "take everything out so I can start again"
        IntentRule(.clear, start: "(86|yeet|take|get|pull|dump) (everything|it_all|all_of_it) (on|in|from|out|outta|out_of|off|off_of)? (the|my)? (cart|order|list|basket)?", rest: .any),
        IntentRule(.clear, start: "(clear|empty|reset|wipe|erase|flush|purge|nuke|clean|emptying|clearing) (out|up)? (the|my|our|this)? (whole|entire)? (cart|basket|trolley|list|order|everything|shopping_cart|shopping_list|all|it|items)? (out|up|clean)?", rest: .empty),
        IntentRule(.clear, start: "(remove|delete|drop|trash|dump|toss|cancel|discard|clear|forget|scrap|ditch|nix|scratch|get_rid_of|throw_out|throw_away|take_out|take_away|lose|undo|removing|deleting) (everything|all|it_all|all_of_it|all_items|all_the_items|all_products|all_the_products|all_things|all_the_things|all_of_them|all_of_my_items|all_my_items|every_item|every_single_item|the_whole_thing|the_lot|the_whole_lot|the_whole_cart|the_entire_cart|the_whole_order|the_entire_order|everything_in_it|the_cart|my_cart|the_basket|my_basket|my_list|the_list|the_order|my_order|all_the_stuff|all_my_stuff)", rest: .empty),
        IntentRule(.clear, start: "(start|begin) (over|again|fresh|afresh|from_scratch|anew|a_new_cart|a_new_order|a_new_list|with_an_empty_cart)", rest: .any),
        IntentRule(.clear, start: "(scratch|forget|drop|ditch|toss|cancel) (everything|it_all|all_of_it|all_that)", end: "(start|begin) (the|my|a)? (cart|order|list|basket)? (over|again|fresh)", rest: .any),
        IntentRule(.clear, start: "(remove|delete|take_out|clear|get_rid_of|take) (absolutely|simply|just|really)? (everything|all|all_items|every_item|all_the_items) (out)? (from|in|out_of|off) (my|the|our) (cart|basket|list|order)", rest: .any),
        IntentRule(.clear, start: "(toss|dump|scrap|clear|remove|delete|ditch|trash|bin|wipe) (everything|it_all|all_of_it|the_whole_list|the_entire_list|my_whole_list|the_whole_basket|the_whole_cart|the_lot)", rest: .any),
        IntentRule(.clear, start: "(scrap|toss|dump|ditch|trash|bin|wipe|clear|cancel) (the|my)? (whole|entire)? (list|cart|basket|order)", rest: .empty),
        IntentRule(.clear, start: "(i|we)? (dont|do_not|no_longer) (want|need) (anything|any_of_it|any_of_this|any_of_these|any_of_them|any_of_that|anything_in_my_cart|anything_anymore|it_all|everything|all_of_it)", rest: .empty),
        IntentRule(.clear, start: "(cancel|abandon|scrap|void) (my|the|this)? (order|cart|basket|shopping|list)", rest: .empty),
        IntentRule(.clear, start: "(new|fresh|empty) (cart|basket|list|order)", rest: .empty),
        IntentRule(.clear, start: "(make|made|get) (empty|clear) (all|all_of)? (my|the|our|this)? (whole|entire)? (cart|basket|trolley|list|order)", rest: .empty),
        IntentRule(.clear, start: "(never_mind|nevermind|forget) (everything|it_all|all_of_it|all_that|all_of_that|the_whole_thing)", rest: .any),
        IntentRule(.clear, start: "(cancel|scrap|void|abandon|ditch|dump) (my|the|this|our)? (whole|entire)? (order|cart|basket|list)", rest: .any),
    ]

    static let checkout: [IntentRule] = [
        // "close it out, we're good", "checkout before i change my mind"
        IntentRule(.checkout, start: "(close|closing) (it|this|me|us|the_order|my_order|the_cart|everything|the_tab)? out", rest: .any),
        IntentRule(.checkout, start: "(checkout|check_out|pay) (before|while|so|now_before)", rest: .any),
        IntentRule(.checkout, start: "(checkout|check_out|check_me_out|checking_out|check_it_out|pay|pay_now|pay_up|buy_now|order_now|purchase_now|finish|done|finished|complete|submit|confirm|finalize|proceed|checkout_now|check_out_now)", rest: .empty),
        IntentRule(.checkout, start: "(im|i_am|were|we_are|i_want_to|i_wanna|i_would_like_to|id_like_to|wed_like_to|we_want_to|ready_to|time_to|go_to|proceed_to|take_me_to|continue_to|move_to|lets|can_i|can_we|could_i|i_need_to|we_need_to) (ready_to)? (checkout|check_out|pay|payment|the_checkout|complete_my_order|place_my_order|place_the_order|place_an_order|finish_my_order|finish_up|wrap_up|wrap_this_up|pay_now|buy_it_all|buy_everything|check_out_now)", rest: .empty),
        IntentRule(.checkout, start: "(place|submit|complete|finish|finalize|confirm|send|process|finalise|make|execute) (my|the|this|our|an)? (order|purchase|checkout|transaction|shopping|payment|sale)", rest: .empty),
        IntentRule(.checkout, start: "(i|we)? (want|wanna|need|would_like|d_like) to (pay|check_out|checkout) (now)?", end: "(finish|complete|place|submit) (the|my)? (order|purchase)", rest: .any),
        IntentRule(.checkout, end: "(go_ahead_and|please|just)? (place|submit|complete|finish|finalize) (the|my|our)? (order|purchase)", rest: .any),
        IntentRule(.checkout, start: "(i|we)? (would|d|want|wanna)? (like|need)? (to)? (pay|pay_for) (for)? (my|the|our|these|all_my|all_the) (groceries|order|items|things|stuff|shopping|purchases) (now)?", rest: .empty),
        IntentRule(.checkout, start: "(buy|purchase|order|pay_for|get) (it|them|everything|it_all|all_of_it|the_cart|my_cart|whats_in_my_cart|whats_in_the_cart|all_this|all_of_this|the_lot|these|these_items|all_these|my_items|the_items|all_items|my_stuff|my_order|the_order)", rest: .empty),
        IntentRule(.checkout, start: "(im|i_am|were|we_are|i_think_im|all) (done|finished|ready|all_set|all_done|good|set|through) (shopping|here|with_my_list|with_shopping|for_today|with_this_order)? (so|and)? (can_we_pay|can_i_pay|lets_pay|pay|i_can_pay|we_can_pay|can_we_check_out|can_i_check_out|can_we_checkout|can_i_checkout|lets_check_out|lets_checkout)?", rest: .empty),
        IntentRule(.checkout, start: "(thats|that_is|that_will_be|thatll_be|that_should_be|this_is|that_would_be) (all|it|everything|everything_for_today|all_for_today|all_for_now|all_i_need|enough)", rest: .empty),
        IntentRule(.checkout, start: "(done|finished|all_done) (shopping|here|with_shopping|pay|paying|checkout|check_out|now_pay)?", rest: .empty),
        IntentRule(.checkout, start: "(i|we) (finish|finished|am_finished|am_done|are_done|are_finished|have_finished|did_finish)", rest: .any),
        IntentRule(.checkout, end: "(ring|check|cash) (me|it|us|everything|this) (up|out)", rest: .any),
        IntentRule(.checkout, start: "(ring|check|cash) (me|it|this|us|them|everything) (up|out)", rest: .empty),
        IntentRule(.checkout, start: "(total|tally|ring|add|sum|bag) (it|me|us|this|everything|it_all|them)? up (and)? (pay|checkout|check_out|charge_me|bill_me)?", rest: .any),
        IntentRule(.checkout, start: "ring (up|out) (the|my|our)? (total|order|cart|everything|purchase|groceries)", rest: .any),
        IntentRule(.checkout, start: "(can|could|may) (i|we) (get|have|see|pay) (the|my|our)? (bill|check|receipt|tab)", rest: .empty),
        IntentRule(.checkout, start: "(im|i_am|were|we_are) (ready|good) (to|2) (go|leave|pay|check_out|checkout)", rest: .any),
        IntentRule(.checkout, start: "(lets|let_us|i_want_to|i_wanna|time_to|ready_to)? (pay|checkout|check_out|pay_up) (and|then|so_i_can|so_we_can)? (go|leave|get_outta_here|get_out_of_here|get_going|be_done|be_on_my_way|head_out|get_home)", rest: .any),
        IntentRule(.checkout, start: "(chekout|checkuot|chckout|checout|chekcout|cheackout|checkoutt|chkout|chk_out)", rest: .empty),
        IntentRule(.checkout, start: "(complete|finish|finalize|make) (the|my)? (purchase|payment|sale)", rest: .empty),
        IntentRule(.checkout, start: "(send|put|push|place|submit) (my|the|this|our)? (order|cart|purchase) (through|in|off)", rest: .empty),
        IntentRule(.checkout, start: "(lets|let_us|time_to|ready_to)? (pay|checkout|check_out|wrap_up|wrap_it_up|wrap_this_up|finish_up|close_out)", rest: .empty),
    ]

    static let cart: [IntentRule] = [
        // "read back to me everything I've put in so far"
        IntentRule(.cart, start: "(read|say|tell|list) (back)? (to_me|me|to_us|us)? (back)? (everything|all|what) (ive|i_have|weve|we_have|i|we) (put|got|added|have|put_in|picked) (in)? (so_far|already)?", rest: .empty),
        IntentRule(.cart, start: "(show|view|see|display|open|check|review|list|print|give|bring_up|pull_up|look_at|let_me_see|lemme_see|can_i_see|could_i_see|i_want_to_see|id_like_to_see|go_to|take_me_to|read|read_out|tell_me|recap) (me|us)? (my|the|our|whats_in_my|whats_in_the|what_is_in_my|what_is_in_the|everything_in_my|everything_in_the)? (shopping)? (cart|basket|trolley|order|list|items|total|stuff|things|contents|subtotal|bill|products|groceries|cart_total|order_total|cart_contents|shopping_cart|shopping_list) (total|contents|items|so_far|please|now|again)?", rest: .empty),
        IntentRule(.cart, start: "(list|the_list|cart|basket|trolley|my_cart|the_cart|my_basket|my_order|my_items|my_list|my_stuff|cart_total|my_total|total|order_total|subtotal|the_total|cart_contents|cart_status|cart_summary|order_summary|summary|shopping_cart|my_shopping_cart|view_cart|show_cart|my_groceries)", rest: .empty),
        IntentRule(.cart, start: "(whats|what_is|what_s|what) (is)? (in|on|inside) (my|the|our|this)? (shopping)? (cart|basket|trolley|list|order|bag)", rest: .any),
        IntentRule(.cart, start: "(show|tell|give|let) (me|us) (see)? (what|whats|what_is|what_s) (is|s)? (in|inside|on) (my|the|our)? (cart|basket|trolley|order|list|bag)", rest: .any),
        IntentRule(.cart, start: "(total|subtotal|my_total|the_total|running_total) (so_far|now|please|till_now|until_now)", rest: .empty),
        IntentRule(.cart, start: "(what|which) (items|things|products|stuff|groceries) (are|do_i_have|have_i|did_i|are_there)", rest: .any),
        IntentRule(.cart, start: "what (do|did|have) (i|we) (have|got|get|added|add|put|picked|ordered|bought) (so_far|already|in_there|in_here|in_there_so_far|in_here_so_far)?", rest: .any),
        IntentRule(.cart, start: "what (am|are) (i|we) (buying|getting|ordering)", rest: .any),
        IntentRule(.cart, start: "(whats|what_is|hows) (the|my|our)? (damage|tab|bill|total|running_total|tally) (so_far|now|at|looking)?", rest: .empty),
        IntentRule(.cart, start: "how much (am|are|have) (i|we) (spending|paying|at|spent|up_to) (so_far|now|in_total)?", rest: .empty),
        IntentRule(.cart, start: "how much (is|will|would|does|s) (all|all_of|everything) (this|that|it)? (gonna|going_to|going)? (cost|be|come_to|coming_to|comes_to|coming_out_to|run|total|add_up_to|adding_up_to) (me|us)? (so_far|in_total|altogether)?", rest: .empty),
        IntentRule(.cart, start: "(whatve|what_have|what_did|whatd) (i|we) (got|get|added|picked|put_in|ordered) (so_far|already|in_there|in_here|in_the_cart|in_my_cart)?", rest: .empty),
        IntentRule(.cart, start: "(read|read_back|read_out|run_through|go_over|go_through) (me|us)? (back)? (my|the|our) (order|cart|list|basket|items) (back)? (so_far|again)?", rest: .empty),
        IntentRule(.cart, start: "(list|show|tell_me|show_me|read|remind_me|recap) (me|us)? (back)? (what|everything) (i|we|ive|weve|i_have|we_have|im|were) (have|got|have_got|added|picked|put_in|getting|buying)? (so_far|already|in_there|in_the_cart|in_my_cart|in_there_so_far|in_here_so_far|in_the_cart_so_far|in_my_cart_so_far)?", rest: .empty),
        IntentRule(.cart, start: "how much (is|does|do|will|would) (my|the|our|this) (shopping)? (cart|total|order|basket|bill|stuff|groceries|subtotal|purchase|trolley) (cost|come_to|come_out_to|be|total|add_up_to|run|cost_me)?", rest: .empty),
        IntentRule(.cart, start: "(whats|what_is|what_s|tell_me|show_me|give_me) (my|the|our|the_cart|my_cart|the_order|my_order) (total|subtotal|cart_total|bill|order_total|damage|balance|grand_total|sum|amount)", rest: .empty),
        IntentRule(.cart, start: "how much (do|will|would|did) (i|we) (owe|have_to_pay|need_to_pay|spend|pay|be_paying|be_spending)", rest: .any),
        IntentRule(.cart, start: "how much (have|did) (i|we) (spent|spend|added)", rest: .any),
        IntentRule(.cart, start: "how many (items|things|products) (are|do_i_have|have_i|did_i|in|are_in)", rest: .any),
        IntentRule(.cart, start: "(is|whats|what_is|anything) (in)? (my|the) (cart|basket) (empty)?", rest: .any),
        IntentRule(.cart, start: "(where|how) (is|s)? (my|the) (cart|basket|order|total)", rest: .any),
        IntentRule(.cart, start: "(itemize|itemise|tally|enumerate) (me|us)? (my|the|our) (cart|basket|order|list|items)", rest: .empty),
        IntentRule(.cart, start: "(whats|what_is|what_s|anything) in (here|there)", rest: .empty),
        IntentRule(.cart, start: "(show|tell|give) (me|us) (what|whats|what_is) (is|s)? (currently|now|right_now|already)? (in|inside|on) (my|the|our) (cart|basket|trolley|order|list|bag)", rest: .any),
        IntentRule(.cart, start: "what (do|did|have) (i|we) (even|actually|really)? (have|got) (in|on) (my|the|our) (cart|basket|trolley|list|order)", rest: .empty),
        IntentRule(.cart, start: "(read|read_back|read_out|tell_me|list) (me|us)? (back)? (what|everything) (i|we) (have|got|have_got) (in|on) (my|the|our) (cart|basket|list|order) (so_far)?", rest: .empty),
    ]

    static let update: [IntentRule] = [
        IntentRule(.update, start: "(change|set|update|adjust|modify|edit|correct|fix|changing|setting|updating|alter|amend) (the)? (quantity|amount|number|count|qty|number_of)? (of|for|on)?", rest: .nonEmpty),
        IntentRule(.update, start: "(make|increase|decrease|reduce|raise|lower|bump|bump_up|up|cut|bring|take|trim|boost|double|change|switch|turn|go) (the)? (quantity|amount|number|count|qty)? (of|for|on)? (it|that|them|those|this|these)?", rest: .nonEmpty, needsQuantity: true),
        IntentRule(.update, start: "(i|we) (only|actually|really)? (need|want|want_to_have) (only|just)?", end: "(instead|in_total|altogether|all_together)", rest: .nonEmpty),
        IntentRule(.update, start: "(i|we)? (only|just) (need|want|get|take)", rest: .nonEmpty, needsQuantity: true),
        IntentRule(.update, start: "(knock|bump|cut|bring|turn|scale|dial|pare|trim|push|ramp)", rest: .nonEmpty, needsQuantity: true),
        IntentRule(.update, end: "(instead|in_total|altogether|all_together|total|in_all)", rest: .nonEmpty),
        IntentRule(.update, start: "(actually|no|nope|wait|oops|sorry)? (make_it|make_that|make_them|make_those|i_meant|i_mean|meant|correction)", rest: .nonEmpty),
    ]

    static let remove: [IntentRule] = [
        IntentRule(.remove, start: "(i|we) (want|wanna|would_like|need|have) (to)? (remove|delete|take_out|drop|cancel|take_off)", rest: .nonEmpty),
        IntentRule(.remove, start: "(i|we) (not|no) (want|need|like) (anymore)?", rest: .nonEmpty),
        IntentRule(.remove, start: "take", end: "(out|off|away|back) (of|from)? (my|the|our)? (cart|basket|trolley|list|order)?", rest: .nonEmpty),
        IntentRule(.remove, start: "(take|get|pull|put|move)", end: "(out_of|off_of|off|from) (my|the|our) (cart|basket|trolley|list|order)", rest: .nonEmpty),
        IntentRule(.remove, start: "(remove|delete|drop|discard|cancel|scratch|nix|ditch|lose|skip|exclude|subtract|minus|uncheck|removing|deleting|dropping|take_out|take_off|take_away|takeout|get_rid_of|cross_off|cross_out|strike|knock_off|put_back|throw_out|throw_away|toss_out|toss|eliminate|erase|forget|forget_about|never_mind|nevermind|no_more|hold_the|rid|rmv|rm|del|delet|remvoe|remoev|unadd|scrap|axe|ax|leave_out|leave_off|omit|cut_out|backout|return)", rest: .nonEmpty),
        IntentRule(.remove, start: "(i|we)? (really)? (dont|do_not|no_longer|wont|will_not|shouldnt|should_not|didnt|did_not|never) (really)? (need|want|require|be_needing|need_any|want_any|mean_to_add|mean_to_get|want_to_buy|need_to_buy|want_to_get|need_to_get|buy|get|add|like)", rest: .nonEmpty),
        IntentRule(.remove, start: "(dont|do_not|no|never|not) (need|want|more|longer_need|buy|get|add|include|bother_with)", rest: .nonEmpty),
        IntentRule(.remove, end: "(is|are|s)? (no_longer|not|not_really|nolonger|isnt|arent) (needed|required|wanted|necessary|necesary|neccessary|needed_anymore|wanted_anymore)", rest: .nonEmpty),
        IntentRule(.remove, end: "(isnt|arent|is_not|are_not|wasnt|werent) (needed|required|wanted|necessary)", rest: .nonEmpty),
        IntentRule(.remove, end: "(i|we) (dont|do_not|no_longer) (need|want|require) (it|them|that|those|this|these|any)?", rest: .nonEmpty),
        IntentRule(.remove, end: "(can|has_to|have_to|must|should|needs_to|need_to) (go|be_removed|come_out|be_taken_out)", rest: .nonEmpty),
        IntentRule(.remove, end: "(out_of|off_of|off|from) (my|the|our) (cart|basket|trolley|list|order)", rest: .nonEmpty),
        IntentRule(.remove, start: "(i|ive|i_have|we|weve)? (changed|change) (my|our) (mind|minds) (about|on|re|regarding)?", rest: .nonEmpty),
        IntentRule(.remove, start: "(we|i|weve|ive|we_have|i_have|we_still|i_still)? (already|still)? (have|got|have_got|has) (enough|plenty|plenty_of|lots_of|a_lot_of|loads_of|tons_of|some|more_than_enough)", rest: .nonEmpty),
        IntentRule(.remove, start: "(we|i|weve|ive) (already|still) (have|got|have_got|bought|own)", rest: .nonEmpty),
        IntentRule(.remove, start: "(already|still) (have|got|bought)", rest: .nonEmpty),
    ]

    static let price: [IntentRule] = [
        IntentRule(.price, start: "(wondering|curious|i_wonder|i_was_wondering|just_wondering|curious_about) (what|how_much)", end: "(costs|cost|is|are|runs|goes_for|sells_for) (these_days|nowadays|now|today|here)?", rest: .nonEmpty),
        IntentRule(.price, start: "how much (is|are|does|do|for|would|will|did|was|were|costs|cost|to_buy|is_it_for|are_they|is_a|is_an|for_a|for_an|for_the|for_some|money_for|money_is|money_are)?", end: "(cost|costs|run|be|go_for|sell_for|cost_me|go|sell|run_me|retail_for|cost_now|cost_today|currently|for|set_me_back|set_us_back|run_us|cost_us)?", rest: .nonEmpty),
        IntentRule(.price, start: "(whats|what_is|what_are|what_s|tell_me|give_me|show_me|check|get|find|find_me|look_up|lookup|need|i_need|i_want|can_i_get|can_you_check|do_you_know|know) (the)? (current)? (price|prices|cost|costs|pricing|price_check|pricetag|price_tag|unit_price) (of|for|on)?", rest: .nonEmpty),
        IntentRule(.price, start: "what (are|do|is) (you|yall|you_guys|they|the_store) (charging|asking|selling|getting|want) (for|on)?", end: "(these_days|now|today|right_now|at_the_moment)?", rest: .nonEmpty),
        IntentRule(.price, start: "(whats|what_is|what_are|what_s)", end: "(going_for|selling_for|go_for|sell_for|run|running|cost|costing|priced_at|retail_for) (these_days|now|today)?", rest: .nonEmpty),
        IntentRule(.price, start: "(price|prices|cost|costs|pricing|price_check|pricecheck|pricetag|price_tag|unit_price) (of|for|on)?", rest: .nonEmpty),
        IntentRule(.price, start: "what (do|does|will|would|did|is|are|might|could)", end: "(cost|costs|run|go_for|sell_for|cost_me|retail_for|priced_at|going_for|selling_for|run_me|set_me_back|cost_us|run_us|be) (these_days|nowadays|now|today|here)?", rest: .nonEmpty),
        IntentRule(.price, end: "(price|prices|cost|costs|pricing|price_check|price_please|price_today|price_now|prices_today|cost_today)", rest: .nonEmpty),
        IntentRule(.price, start: "how (expensive|pricey|cheap|costly|much_money) (is|are|would_be|will_be)?", rest: .nonEmpty),
        IntentRule(.price, start: "(whats|what_is|what_s) the (damage|price_tag|tab|cost) (on|for|of)", rest: .nonEmpty),
        IntentRule(.price, start: "what (do|does|would|will) (you|u|yall|it|they) (charge|want|ask|cost) (for|on)?", rest: .nonEmpty),
        IntentRule(.price, start: "(would|will|does|is|could) (it)? (break_the_bank|cost_a_fortune|cost_a_lot|be_expensive|be_pricey) (to_get|to_buy|for|if_i_got|if_i_bought)?", rest: .nonEmpty),
        IntentRule(.price, start: "(is|are)", end: "(pricey|expensive|cheap|costly|affordable|overpriced|on_the_pricey_side|worth_it) (here|today|now|these_days|at_walmart)?", rest: .nonEmpty),
        IntentRule(.price, start: "(is|are)", end: "(expensive|cheap|pricey|affordable|costly)", rest: .nonEmpty),
        IntentRule(.price, start: "(whats|what_is|what_are) (the)? (going_rate|rate) (for|on)?", rest: .nonEmpty),
    ]

    static let search: [IntentRule] = [
        IntentRule(.search, start: "(do|does|did) (you|u|ya|yall|you_guys|you_all|the_store|walmart|they|this_store|we) (still|even|currently|guys)? (have|sell|carry|stock|got|offer|keep|have_any|sell_any|carry_any|stock_any|got_any|offer_any|have_some|happen_to_have|happen_to_sell)", rest: .nonEmpty),
        IntentRule(.search, start: "(have|got) (you|u|ya)? (got|get)? (any|some)", rest: .nonEmpty),
        IntentRule(.search, start: "(any|is_there_any|is_there_a) chance (that)? (you|u|ya|yall|you_guys|the_store) (have|got|carry|sell|stock|have_any|got_any|carry_any)", rest: .nonEmpty),
        // "size 3 diapers - what do you have?", "granola bars below 3.50, what've you got"
        IntentRule(.search, end: "(what|wat|whatve|what_have|what_do|what_else_do|which|which_ones|which_do) (you|u|ya|yall|you_guys) (got|have|carry|sell|stock|have_got)?", rest: .nonEmpty),
        IntentRule(.search, start: "(what|whats|what_is|what_do_you_have|what_have_you_got|what_you_got|whats_there|what_is_there) (there)? in_the_way_of", rest: .nonEmpty),
        IntentRule(.search, start: "(anything|something|stuff|products|items|whatever) (from|by|made_by|of)", rest: .nonEmpty),
        IntentRule(.search, start: "(list|show_me_all|show_all|list_all|show_me_your|list_your)", rest: .nonEmpty),
        IntentRule(.search, start: "(i|we) (search|am_searching|look|am_looking|seek|am_seeking|want_to_find|try_to_find) (for)? (something|anything|some|a)? (for|to)?", rest: .nonEmpty),
        IntentRule(.search, end: "(you|u|ya) (are|re) (selling|carrying|having|stocking|offering)", rest: .nonEmpty),
        IntentRule(.search, start: "(there_is|there_are|theres|is_there|are_there) (any|some)?", rest: .nonEmpty),
        IntentRule(.search, start: "(show|find|list|give|get) (me|us)? (some|any|the|your|all_the)?", end: "(options|choices|selection|varieties|brands|kinds)", rest: .nonEmpty),
        IntentRule(.search, end: "(options|choices|selection|varieties|brands|kinds)", rest: .nonEmpty),
        IntentRule(.search, start: "(any|anything_like)", rest: .nonEmpty),
        IntentRule(.search, start: "(is|are) (there|their) (any|some)?", rest: .nonEmpty),
        IntentRule(.search, start: "(is|are|any|anything)", end: "(in_stock|instock|available|on_sale|on_special|on_offer|discounted|out_of_stock|sold_out|in_season|around|for_sale|on_discount|cheap|on_promotion|on_clearance)", rest: .nonEmpty),
        IntentRule(.search, end: "(in_stock|instock|available|on_sale|on_special|on_offer|on_discount|for_sale|on_promotion|on_clearance|available_today|in_stock_today)", rest: .nonEmpty),
        IntentRule(.search, start: "(whats|what_is|what_are|what_s|show_me_whats|show_me_what_is|show_me|anything|what_items_are|what_products_are|what_is_on|whats_on|which_items_are|what|any|list|find) (on_sale|on_special|discounted|in_season|new|cheap|on_offer|in_stock|deals|specials|sales|offers|discounts|on_promotion|good_deals|the_deals|the_specials)", rest: .any),
        IntentRule(.search, start: "(im|i_am|were|we_are|i_was|we_were|just|currently)? (searching|looking|hunting|shopping|browsing|looking_around|on_the_hunt|search|look|hunt|shop|browse) (for|around_for|up|at|into)?", rest: .nonEmpty),
        IntentRule(.search, start: "(find|finding|locate|lookup|look_up|show|list|display|see|view|check|explore|compare|query|seek|search_for|look_for) (me|us)? (for|up|at)? (all|every)? (your|the|some|any|available|all_the|all_your|what)?", rest: .nonEmpty),
        IntentRule(.search, start: "(what|which) (kind|kinds|type|types|sort|sorts|brand|brands|flavor|flavors|flavour|flavours|variety|varieties|options|choices|selection|size|sizes)? (of)?", end: "(do_you_have|do_you_sell|do_you_carry|are_there|are_available|have_you_got|you_got|do_you_stock|are_in_stock|do_you_offer|are_on_sale|do_you_guys_have|is_there|can_i_get|can_i_buy|can_i_choose_from|are_there_available|you_have|you_sell|you_carry|does_the_store_have|does_walmart_have|are_in_the_catalog)", rest: .nonEmpty),
        IntentRule(.search, start: "(what|which) (kind|kinds|type|types|sort|sorts|brand|brands|flavor|flavors|flavour|flavours|variety|varieties|options|choices|selection|sizes) (of|for|do_you_have_for|are_there_for)", rest: .nonEmpty),
        IntentRule(.search, start: "(what|wat|which)", end: "(do|does|did)? (you|u|ya|yall|you_guys) (carry|have|sell|stock|got|offer)", rest: .nonEmpty),
        IntentRule(.search, start: "where (is|are|can_i_find|do_i_find|would_i_find|are_the|is_the|can_i_get|do_you_keep|do_you_have|would_i_get|can_we_find|do_i_get)", rest: .nonEmpty),
        IntentRule(.search, start: "(any)? (options|choices|selection|deals|specials|sales|offers|discounts|coupons|alternatives|substitutes|varieties|brands) (for|on|of|in)", rest: .nonEmpty),
        IntentRule(.search, start: "(can|could|may) (i|we|you) (find|see|browse|search_for|look_for|look_at|show_me|find_me|check_for)", rest: .nonEmpty),
        IntentRule(.search, start: "(i|we)? (want|need|would_like|wanna|d_like|id_like|wed_like|would_love) to (see|browse|find|look_at|compare|check|search_for|look_for|know_if_you_have|know_what|explore|view)", rest: .nonEmpty),
        IntentRule(.search, start: "(is|are) (the|your|some|any)?", end: "(stocked|carried|sold_here|in_the_store|here)", rest: .nonEmpty),
        IntentRule(.search, start: "(tell_me_about|info_on|information_on|details_on|details_about|info_about|what_about_the_price_of)", rest: .nonEmpty),
    ]

    static let add: [IntentRule] = [
        IntentRule(.add, start: "(put|pencil|sign|mark|count|write) (me|us) (down|in)? (for)", rest: .nonEmpty),
        IntentRule(.add, start: "(i|we)? (dont|do_not|never) (forget|forget_to_add|forget_to_get|forget_to_buy|forget_to_grab|forget_to_pick_up|forget_about)", rest: .nonEmpty),
        IntentRule(.add, start: "(remember|remind_me|remind_us) (to)? (get|buy|add|grab|pick_up|order|include|put)?", rest: .nonEmpty),
        IntentRule(.add, start: "(add|adding|put|putting|throw_in|toss_in|chuck_in|pop_in|stick_in|include|insert|append|plus|also_add|add_in|add_on|addd|ad|adds|added|ading|pls_add|stock_up_on|load_up_on|stock_up|top_up|top_up_on|restock|replenish|re_add|readd|reorder|repurchase)", rest: .nonEmpty),
        IntentRule(.add, start: "(i|we) (also|still|really|definitely|will|probably|do|really_do|absolutely|might|may|must|kinda|sorta|totally|will_also|d_also)? (need|needs|want|wants|require|required|needed|wanted|gotta_get|gotta_have|have_to_get|have_to_buy|must_get|must_have|should_get|should_buy|will_need|could_use|could_do_with|fancy|wouldnt_mind|would_love|feel_like|feel_like_having|wanna|wanna_get|want_to_try|crave|am_craving|love|like|would_like|would_really_like|need_to_stock_up_on|gotta|have_to_have)", rest: .nonEmpty),
        IntentRule(.add, start: "(id|wed|i_would|we_would|i_d|we_d|i_should|we_should) (really|also|definitely)? (like|love|want|prefer|also_like|enjoy|get|buy|take|have|go_for|grab)", rest: .nonEmpty),
        IntentRule(.add, start: "(ill|i_will|we_will|ill_also|lemme|let_me|i_shall|we_shall|imma|im_gonna|im_going_to|were_gonna|were_going_to|gonna|going_to) (also)? (take|have|get|grab|need|buy|add|go_with|want|pick_up|try|order|purchase)", rest: .nonEmpty),
        IntentRule(.add, start: "(im|i_am|were|we_are|im_all|i_m|we_re|were_all|we_are_all|im_totally|im_completely|im_almost) (out_of|all_out_of|running_low_on|low_on|running_out_of|craving|in_the_mood_for|hungry_for|thinking_of|thinking_about|after|missing|short_on|nearly_out_of|almost_out_of|looking_to_buy|looking_to_get|wanting|needing|fresh_out_of|clean_out_of|dying_for|desperate_for|in_need_of)", rest: .nonEmpty),
        IntentRule(.add, start: "(i|we|they|the_kids|my_kids|the_family|my_wife|my_husband|mom|dad) (ran_out_of|run_out_of|have_run_out_of|are_out_of|am_out_of|have_no|got_no|used_up|finished|finished_the|are_low_on|am_low_on|need|needs|want|wants|asked_for|love|have_been_asking_for)", rest: .nonEmpty),
        IntentRule(.add, start: "(out_of|low_on|running_low_on|running_out_of|need_more|need_some|want_some|need|needs|needed|want|wants|wanted|more|some_more|restock|replenish|craving|fresh_out_of|all_out_of|almost_out_of|nearly_out_of|no_more_left|ran_out_of|run_out_of|missing)", rest: .nonEmpty),
        IntentRule(.add, start: "(i|we)? (wish|wished) (i|we)? (had|could_have|could_get|had_some|could_buy)", rest: .nonEmpty),
        IntentRule(.add, start: "(it)? (would_be|wouldd_be|would_be_really|would_be_so) (nice|great|good|lovely|awesome|helpful) (to_have|to_get|to_buy|to_add|if_i_had|if_we_had|if_you_added|if_you_could_add)", rest: .nonEmpty),
        IntentRule(.add, start: "(can|could|may|might) (i|we|you) (please)? (also)? (get|have|grab|buy|order|add|take|put|throw_in|include|pick_up|purchase|get_me|get_us)", rest: .nonEmpty),
        IntentRule(.add, start: "(get|grab|buy|purchase|order|fetch|bring|pick_up|pickup|pick|give|gimme|give_me|give_us|send|send_me|deliver|get_me|get_us|grab_me|buy_me|order_me|bring_me|fetch_me|shop_for|procure|acquire|take|need|want|got_to_get|gotta_get|go_get|go_buy|snag|nab|score|toss|throw|stick|pop|i_want|i_need)", rest: .nonEmpty),
        IntentRule(.add, start: "(how_about|what_about|maybe|perhaps|and_some|some_more|also|and|possibly|optionally|oh_and|ooh)", rest: .nonEmpty),
        IntentRule(.add, start: "(i|we) (will|shall|ll)? (also)? (take|have|grab|get|buy)", rest: .nonEmpty),
        IntentRule(.add, start: "(yes|yeah|sure|ok|okay)? (to)? (the|some)?", end: "(as_well|too|also|please|thanks|in_the_cart|in_my_cart|in_the_basket|on_the_list|on_my_list|into_the_cart|into_my_cart)", rest: .nonEmpty),
    ]
}
