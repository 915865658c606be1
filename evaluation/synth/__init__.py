"""Seeded synthetic evaluation waves with planted, recorded effects.

``generate_wave`` writes a wave folder (survey, focus group, coders' codings, ``truth.json``,
``truth_themes.csv``); ``generate_survey`` returns the survey alone as a frame (the fast path for
large samples). The planted parameters of each wave are the table :data:`WAVES`.
"""

from evaluation.synth.parameters import WAVES, WaveParameters, wave_parameters
from evaluation.synth.survey import SyntheticSurvey, generate_survey
from evaluation.synth.wave import generate_wave, wave_files

__all__ = [
    "WAVES",
    "SyntheticSurvey",
    "WaveParameters",
    "generate_survey",
    "generate_wave",
    "wave_files",
    "wave_parameters",
]
