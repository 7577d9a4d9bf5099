"""Lesson 05: see lesson.py, and lab.py for its lab (if any)."""
