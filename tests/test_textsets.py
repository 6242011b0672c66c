"""Near-duplicate checks that keep evaluation sets independent."""

from iopnav.textsets import NearDuplicateIndex


def test_a_reworded_copy_is_found_and_a_different_message_is_not():
    index = NearDuplicateIndex(["Do you take Aetna for the evening program?"])
    assert index.near("do you take aetna for the evening program")
    assert index.near("Do you take Aetna for the evening program please?")
    assert index.near("what are the hours of the morning group") is None


def test_an_empty_message_is_never_a_duplicate():
    assert NearDuplicateIndex(["hello"]).near("...") is None
