"""Answers learners write for lab 3, and what the autograder must make of them.

``cells`` replaces solution cells (by grade_id) of the full solution; ``fails`` maps each test
cell that must score 0 to the message its feedback must contain; ``may_fail`` lists cells whose
score is not asserted; ``warns`` (a function of the answer's namespace) provokes the warning a
right answer must survive.
"""

# The article's first generator, pasted as it stands (one x buffer, one-element lists) ...
ARTICLE = (
    "def train_batches(batch_size=64):\n"
    "    x = np.zeros((batch_size, 2))\n"
    "    while True:\n"
    "        for i in range(batch_size):\n"
    "            x[i][0] = np.random.randint(0, 100)\n"
    "            x[i][1] = np.random.randint(0, 100)\n"
    "        x_mean = (x[::,0] + x[::,1]) / 2\n"
    "        x_mean_ex = np.expand_dims(x_mean, -1)\n"
    "        yield [x], [x_mean_ex]\n"
)

# Lab 3, exercise 4: the colleague's PyDataset (the lab's locked cell), renamed ...
COLLEAGUE = (
    "class ShuffledPairs(keras.utils.PyDataset):\n"
    "    def __init__(self, x, y, batch_size, **kwargs):\n"
    "        super().__init__(**kwargs)\n"
    "        self.x, self.y, self.batch_size, self.epoch = x, y, batch_size, 0\n\n"
    "    def __len__(self):\n"
    "        return math.ceil(len(self.x) / self.batch_size)\n\n"
    "    def __getitem__(self, index):\n"
    "        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)\n"
    "        return self.x[rows], self.y[rows]\n\n"
    "    def on_epoch_end(self):\n"
    "        self.epoch += 1\n"
    "        rng = np.random.default_rng(self.epoch)\n"
    "        rng.shuffle(self.x)\n"
    "        rng.shuffle(self.y)\n"
)


def _dataset(
    init: str = "        self.order = np.arange(len(x))\n",
    length: str = "        return math.ceil(len(self.x) / self.batch_size)\n",
    get: str = (
        "        rows = self.order[index * self.batch_size : (index + 1) * self.batch_size]\n"
        "        return self.x[rows], self.y[rows]\n"
    ),
    epoch_end: str = "        self.order = np.random.permutation(len(self.x))\n",
    parent: str = "        super().__init__(**kwargs)\n",
    head: str = "",
) -> str:
    """... and the answers learners write: the master's class with some of its bodies replaced."""
    return (
        f"{head}class ShuffledPairs(keras.utils.PyDataset):\n"
        "    def __init__(self, x, y, batch_size, **kwargs):\n"
        f"{parent}"
        "        self.x, self.y, self.batch_size = x, y, batch_size\n"
        f"{init}\n"
        f"    def __len__(self):\n{length}\n"
        f"    def __getitem__(self, index):\n{get}\n"
        f"    def on_epoch_end(self):\n{epoch_end}"
    )


VARIANTS = {
    "article-generator-pasted": {
        "why": "the article's own buggy generator, verbatim",
        "cells": {"ex2": ARTICLE},
        "fails": {"ex2-check": "batches 1 and 2 share memory", "ex2-training": "not paired any more"},
    },
    "article-generator-as-tuple": {
        "why": "the article's generator with the tuple Keras 3 wants: still one buffer",
        "cells": {"ex2": ARTICLE.replace("yield [x], [x_mean_ex]", "yield x, x_mean_ex")},
        "fails": {
            "ex2-check": "batches 1 and 2 share memory (inputs x)",
            "ex2-training": "Does your generator refill an array in place?",
        },
    },
    "article-reuse-both-buffers": {
        "why": "the article's train_iterator_1: consistent pairs, but every batch is the same memory",
        "cells": {
            "ex2": (
                "def train_batches(batch_size=64):\n"
                "    x = np.zeros((batch_size, 2))\n"
                "    x_mean = np.zeros((batch_size,))\n"
                "    while True:\n"
                "        for i in range(batch_size):\n"
                "            x[i][0] = np.random.randint(0, 100)\n"
                "            x[i][1] = np.random.randint(0, 100)\n"
                "        x_mean[::] = (x[::,0] + x[::,1]) / 2\n"
                "        yield x, np.expand_dims(x_mean, -1)\n"
            )
        },
        "fails": {"ex2-check": "they are now the same batch twice"},
        "may_fail": ["ex2-training"],  # through the queue it depends on thread timing (lesson 3)
    },
    "right-allocate-in-loop": {
        "why": "the article's fix 1, written as a loop: right",
        "cells": {
            "ex2": (
                "def train_batches(batch_size=64):\n"
                "    while True:\n"
                "        x = np.zeros((batch_size, 2))\n"
                "        for i in range(batch_size):\n"
                "            x[i][0] = np.random.randint(0, 100)\n"
                "            x[i][1] = np.random.randint(0, 100)\n"
                "        yield x, np.expand_dims((x[:, 0] + x[:, 1]) / 2, -1)\n"
            )
        },
        "fails": {},
    },
    # Right data, trains just as well (Keras 3 aligns the ranks), but not the shape asked for.
    "near-miss-flat-targets": {
        "why": "targets of shape (batch,): trains like the reference, loses the shape points",
        "cells": {
            "ex2": (
                "def train_batches(batch_size=64):\n"
                "    rng = np.random.default_rng()\n"
                "    while True:\n"
                "        x = rng.integers(0, 100, size=(batch_size, 2)).astype('float64')\n"
                "        yield x, x.mean(axis=1)\n"
            )
        },
        "fails": {"ex2-check": "the lab asks for (batch, 1)"},
    },
    "seeded-inside-the-loop": {
        "why": "a generator seeded inside the loop: fresh arrays, the same pairs every batch",
        "cells": {
            "ex2": (
                "def train_batches(batch_size=64):\n"
                "    while True:\n"
                "        x = np.random.default_rng(0).integers(0, 100, size=(batch_size, 2)).astype('float64')\n"
                "        yield x, x.mean(axis=1, keepdims=True)\n"
            )
        },
        "fails": {"ex2-check": "batches 1 and 2 hold the same pairs"},
        "may_fail": ["ex2-training"],
    },
    "plateau-continuous": {
        "why": "n²/24: the continuous uniform's variance",
        "cells": {
            "ex1": (
                "def plateau_loss(low, high):\n    return (high - low) ** 2 / 24\n\n\n"
                "def stalled_prediction(low, high):\n    return (low + high - 1) / 2\n"
            )
        },
        "fails": {"ex1-check": "the variance of a *continuous* uniform"},
    },
    "stalled-prediction-includes-high": {
        "why": "(low + high)/2: forgets that high is excluded",
        "cells": {
            "ex1": (
                "def plateau_loss(low, high):\n    n = high - low\n    return (n * n - 1) / 24\n\n\n"
                "def stalled_prediction(low, high):\n    return (low + high) / 2\n"
            )
        },
        "fails": {"ex1-check": "high is excluded"},
    },
    "detector-uses-is": {
        "why": "compares the array objects with `is`",
        "cells": {
            "ex3": (
                "def is_aliasing(batches):\n"
                "    x1, y1 = next(batches)\n"
                "    x2, y2 = next(batches)\n"
                "    return x1 is x2 or y1 is y2\n"
            )
        },
        "fails": {"ex3-check": "`x1 is x2` is False, yet they share memory"},
    },
    "detector-may-share-memory": {
        "why": "np.may_share_memory: a 'maybe' for disjoint slices of one array",
        "cells": {
            "ex3": (
                "def is_aliasing(batches):\n"
                "    x1, y1 = next(batches)\n"
                "    x2, y2 = next(batches)\n"
                "    return bool(np.may_share_memory(x1, x2) or np.may_share_memory(y1, y2))\n"
            )
        },
        "fails": {"ex3-check": "np.may_share_memory compares address ranges only"},
    },
    "detector-inputs-only": {
        "why": "checks the inputs and forgets the targets",
        "cells": {
            "ex3": (
                "def is_aliasing(batches):\n"
                "    x1, _ = next(batches)\n"
                "    x2, _ = next(batches)\n"
                "    return bool(np.shares_memory(x1, x2))\n"
            )
        },
        "fails": {"ex3-check": "refills only its *targets* buffer"},
    },
    # Exercise 4: the colleague's PyDataset and the fixes learners write for it.
    "colleague-pasted": {
        "why": "the colleague's class as it stands: the second shuffle draws other numbers from the epoch's generator",
        "cells": {"ex4": COLLEAGUE},
        "fails": {"ex4-check": "targets arrived beside another sample's inputs"},
    },
    "two-generators-one-seed": {
        "why": "x and y each shuffled by a generator seeded alike: paired, but the caller's arrays are reordered in place",
        "cells": {
            "ex4": COLLEAGUE.replace(
                "        rng = np.random.default_rng(self.epoch)\n"
                "        rng.shuffle(self.x)\n"
                "        rng.shuffle(self.y)\n",
                "        np.random.default_rng(self.epoch).shuffle(self.x)\n"
                "        np.random.default_rng(self.epoch).shuffle(self.y)\n",
            )
        },
        "fails": {"ex4-check": "the dataset reorders its caller's x and y"},
    },
    "permutation-once": {
        "why": "one permutation drawn in __init__ and kept: the same batches every epoch, in fit's shuffled order",
        "cells": {
            "ex4": _dataset(
                init="        self.order = np.random.permutation(len(x))\n",
                epoch_end="        pass\n",
            )
        },
        "fails": {"ex4-check": "the batches held the same groups of samples"},
    },
    "shuffles-batch-order": {
        "why": "on_epoch_end permutes the batch numbers, not the samples: what fit's shuffle=True does already",
        "cells": {
            "ex4": _dataset(
                init="        self.batches = np.arange(math.ceil(len(x) / batch_size))\n",
                get=(
                    "        first = self.batches[index] * self.batch_size\n"
                    "        return self.x[first : first + self.batch_size], self.y[first : first + self.batch_size]\n"
                ),
                epoch_end="        np.random.shuffle(self.batches)\n",
            )
        },
        "fails": {"ex4-check": "the samples were not reshuffled into new batches"},
    },
    "drops-the-last-batch": {
        "why": "len is N // batch_size: the last, smaller batch is never asked for",
        "cells": {
            "ex4": _dataset(length="        return len(self.x) // self.batch_size\n"),
        },
        "fails": {"ex4-check": "samples in batches of 8 make 5 batches (the last one of 5)"},
    },
    "python-shuffle-of-rows": {
        "why": "random.shuffle on 2-D arrays (copies, one seed for both): its swaps go through row views and duplicate rows",
        "cells": {
            "ex4": _dataset(
                init="        self.x, self.y = np.copy(x), np.copy(y)\n",
                get=(
                    "        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)\n"
                    "        return self.x[rows], self.y[rows]\n"
                ),
                epoch_end=(
                    "        seed = random.random()\n"
                    "        random.Random(seed).shuffle(self.x)\n"
                    "        random.Random(seed).shuffle(self.y)\n"
                ),
                head="import random\n\n\n",
            )
        },
        "fails": {"ex4-check": "more than once"},
    },
    "reshuffles-after-the-last-index": {
        "why": "reshuffles in __getitem__ when the last batch is asked for: fit asks for batches in a shuffled order",
        "cells": {
            "ex4": _dataset(
                get=(
                    "        rows = self.order[index * self.batch_size : (index + 1) * self.batch_size]\n"
                    "        if index == len(self) - 1:\n"
                    "            self.order = np.random.permutation(len(self.x))\n"
                    "        return self.x[rows], self.y[rows]\n"
                ),
                epoch_end="        pass\n",
            )
        },
        "fails": {"ex4-check": "more than once"},
    },
    "targets-forced-to-a-column": {
        "why": "reshapes every batch of targets to (batch, 1), as exercise 2 asked of a generator: wrong for (N, k) targets",
        "cells": {
            "ex4": _dataset(
                get=(
                    "        rows = self.order[index * self.batch_size : (index + 1) * self.batch_size]\n"
                    "        return self.x[rows], self.y[rows].reshape(-1, 1)\n"
                )
            )
        },
        "fails": {"ex4-check": "came with targets of shape (6, 1)"},
    },
    "forgets-super-init": {
        "why": "no super().__init__(**kwargs): ShuffledPairs(…, workers=2) reads with one worker; the data is right",
        "cells": {"ex4": _dataset(parent="")},
        "fails": {"ex4-check": "the keyword arguments did not reach keras.utils.PyDataset"},
    },
    "right-copies-shuffled-together": {
        "why": "right, written differently: private copies, reordered together by one permutation each epoch",
        "cells": {
            "ex4": _dataset(
                init="        self.x, self.y = np.copy(x), np.copy(y)\n",
                get=(
                    "        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)\n"
                    "        return self.x[rows], self.y[rows]\n"
                ),
                epoch_end=(
                    "        p = np.random.permutation(len(self.x))\n"
                    "        self.x, self.y = self.x[p], self.y[p]\n"
                ),
            )
        },
        "fails": {},
    },
    # Right, and provoking a Keras UserWarning: the Keras 2 way (no parent constructor), with the
    # workers option set on the parent's property by hand; Keras warns when it reads the others.
    "right-with-warning": {
        "why": "sets self.workers itself instead of super().__init__(**kwargs): Keras warns on stderr, the answer is right",
        "cells": {"ex4": _dataset(parent="        self.workers = kwargs.get('workers', 1)\n")},
        "fails": {},
        "warns": lambda ns: ns["ShuffledPairs"]([[0, 0]] * 3, [0] * 3, 2).use_multiprocessing,
    },
    "exception-in-answer": {
        "why": "a typo: np.random.randint(0, 100, shape=...)",
        "cells": {
            "ex2": (
                "def train_batches(batch_size=64):\n"
                "    while True:\n"
                "        x = np.random.randint(0, 100, shape=(batch_size, 2)).astype('float64')\n"
                "        yield x, x.mean(axis=1, keepdims=True)\n"
            )
        },
        "fails": {"ex2-check": "raised TypeError", "ex2-training": "raised TypeError"},
    },
    # Exercise 5, the diagnosis.
    "diagnosis-islice": {
        "why": "the colleague's list(islice(...)): the arrays, not their values",
        "cells": {
            "ex5": "import itertools\n\n\ndef take(batches, n):\n    return list(itertools.islice(batches, n))\n"
        },
        "fails": {"ex5-check": "holds the values of a batch drawn later"},
    },
    "diagnosis-copies-inputs-only": {
        "why": "copies x, keeps the loader's y array",
        "cells": {
            "ex5": "def take(batches, n):\n    return [(np.copy(x), y) for x, y in (next(batches) for _ in range(n))]\n"
        },
        "fails": {"ex5-check": "the targets of batch"},
    },
    "diagnosis-copies-too-late": {
        "why": "draws all n batches first, then copies them: the refills already happened",
        "cells": {
            "ex5": (
                "def take(batches, n):\n"
                "    drawn = [next(batches) for _ in range(n)]\n"
                "    return [(x.copy(), y.copy()) for x, y in drawn]\n"
            )
        },
        "fails": {"ex5-check": "holds the values of a batch drawn later"},
    },
    "diagnosis-right-differently": {
        "why": "np.array(...) copies by default: right",
        "cells": {
            "ex5": (
                "def take(batches, n):\n"
                "    out = []\n"
                "    while len(out) < n:\n"
                "        x, y = next(batches)\n"
                "        out.append((np.array(x), np.array(y)))\n"
                "    return out\n"
            )
        },
        "fails": {},
    },
}
