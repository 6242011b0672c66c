"""One type per span: the CRF's reading from context beats a word list's."""

from iopnav.nlu.entity_overlaps import resolve


def entity(kind, start, end, extractor):
    return {"entity": kind, "start": start, "end": end, "extractor": extractor}


def test_a_program_type_read_from_context_beats_the_condition_word_list():
    # "an eating disorder program": the CRF reads a program type.
    crf = entity("program_type", 3, 26, "CRFEntityExtractor")
    listed = entity("condition", 3, 18, "RegexEntityExtractor")
    assert resolve([crf, listed]) == [crf]


def test_the_word_list_is_kept_where_the_crf_agrees_or_found_nothing():
    crf = entity("condition", 0, 7, "CRFEntityExtractor")
    same = entity("condition", 0, 7, "RegexEntityExtractor")
    alone = entity("insurance", 20, 25, "RegexEntityExtractor")
    language = entity("language", 0, 30, "LanguageDetector")
    assert resolve([crf, same, alone, language]) == [crf, same, alone, language]
