"""The course's table of contents: one entry per lesson, with its lab. The README's lesson table is
rendered from it (``pitfalls.build.readme``) together with the run times ``make bench`` measured."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    notebook: str          # path from the repository root
    title: str
    lab: str | None        # the nbgrader lab that practises it, if any
    lab_checks: str = ""   # what the lab's graded checks look at


LESSONS = [
    Lesson("notebooks/01_tensors_and_slicing.ipynb", "Tensors, slicing and a first Keras model",
           "lab01_tensors", "slicing, the (pixels, samples) reshape, broadcasting, a dot product by hand, "
           "epoch/batch arithmetic, a small model's architecture and trained loss"),
    Lesson("notebooks/02_mean_of_two.ipynb", "A net that learns the mean of two numbers; (N,) vs (N, 1)",
           "lab02_mean_net", "the mean net's kernel and loss, a Lambda that keeps shape (batch, 1), "
           "the broadcast loss computed analytically"),
    Lesson("notebooks/03_generator_aliasing.ipynb", "The generator that yields the same buffer",
           "lab03_generators", "the plateau loss, a generator whose batches are independent and paired, "
           "a detector of aliasing generators"),
    Lesson("notebooks/04_identity_autoencoder.ipynb", "An autoencoder that is secretly the identity",
           "lab04_autoencoder", "the identity model, its MSE from the lit fraction, an image without "
           "auto-normalisation, the metric that tells the truth, BCE by hand"),
    Lesson("notebooks/05_activation_experiments.ipynb", "Activations, and what BatchNormalization fixes",
           None, "(practised in lab 4)"),
    Lesson("notebooks/06_functional_api_and_losses.ipynb", "Functional API, shared weights, custom losses",
           "lab06_functional", "slicing a symbolic input, two heads over a shared body, a per-sample loss, "
           "add_loss, a stateful k update"),
]
