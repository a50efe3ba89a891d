from comments.anchoring import anchor, locate

TEXT = "Drink water. Stretch the calf. Rest. Stretch the calf before bed."


def test_an_anchor_follows_its_passage_when_text_is_added_before_it():
    found = anchor(TEXT, "Rest.")
    edited = "A new opening paragraph.\n\n" + TEXT
    start, end = locate(edited, found.quote, found.prefix, found.suffix)
    assert edited[start:end] == "Rest." and start > TEXT.index("Rest.")


def test_the_context_tells_a_repeated_passage_from_its_twin():
    second = anchor(TEXT, "Stretch the calf", prefix="Rest. ", suffix=" before bed")
    assert second.suffix.startswith(" before bed")
    start, _ = locate("Intro. " + TEXT, second.quote, second.prefix, second.suffix)
    assert start == len("Intro. ") + TEXT.rindex("Stretch the calf")


def test_a_passage_that_was_rewritten_is_no_longer_found():
    found = anchor(TEXT, "Rest.")
    assert locate(TEXT.replace("Rest.", "Sleep."), found.quote, found.prefix, found.suffix) is None


def test_line_ends_posted_by_a_textarea_match_the_pages_text():
    assert locate("One.\r\nTwo.", "One.\nTwo.") == (0, 9)
