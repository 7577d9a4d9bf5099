"""Data sets of the course: loaders for shipped, downloaded and generated data."""
