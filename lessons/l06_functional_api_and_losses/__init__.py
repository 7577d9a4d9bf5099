"""Lesson 06: see lesson.py, and lab.py for its lab (if any)."""
