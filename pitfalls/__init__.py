"""Keras Pitfalls Lab: code shared by lessons, labs, autograder and tests."""
