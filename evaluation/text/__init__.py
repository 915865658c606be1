"""Thematic coding of focus-group transcripts and survey free text.

One module per idea: ``codebook`` (themes as data), ``preprocess`` (NLTK, offline), ``patterns``
(the codebook's rule language), ``rules`` (rule-based coding), ``segments`` (the coded-segments
contract and units of analysis), ``suggester`` (model-suggested codes), ``evaluate`` (honest
scoring), ``discovery`` (candidate new themes), ``agreement`` (inter-coder reliability) and
``framework`` (framework matrix, co-occurrence, joint displays). Nothing here knows about the ARF
survey: column names arrive as arguments.
"""
