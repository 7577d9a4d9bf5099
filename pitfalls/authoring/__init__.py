"""Build steps of the course: release and solutions generation, spreads, notebooks, benchmark."""
