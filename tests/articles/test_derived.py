"""What is derived from a version's text (articles/derived.py)."""


def test_reading_time_is_words_over_two_hundred():
    from articles.derived import reading_minutes

    assert reading_minutes("") == 0
    assert reading_minutes("word " * 200) == 1
    assert reading_minutes("word " * 201) == 2
