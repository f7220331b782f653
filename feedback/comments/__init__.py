"""Offline analysis of drivers' feedback comments (Russian and English): sentiment, topics and the words behind
them. See `analysis` for the method."""

from feedback.comments.analysis import analyze, detect_language
from feedback.comments.model import CommentAnalysis, Cue, Topic

__all__ = ["CommentAnalysis", "Cue", "Topic", "analyze", "detect_language"]
