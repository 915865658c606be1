"""Readers for the workbench's inputs: survey exports, transcripts, codings."""
