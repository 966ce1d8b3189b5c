"""A character-level language model: an LSTM learns to write like a short text.
============================================================================

A language model gives, for every position in a text, a probability for each possible next
character. Trained on ``examples/data/garden.txt`` (about 3 kB of plain English written for these
examples, 34 different characters), it learns which letters follow which, then words, then bits
of phrases. The model is the classic one: an ``nn.Embedding`` turns each character into a learned
vector of 16 numbers, an ``nn.LSTM`` reads the vectors in order and keeps a memory of what came
before, and a ``Linear`` layer turns its state into 34 scores (logits) for the next character.

Training takes random windows of 48 characters; the target of each character is the one after it,
and the loss is the cross-entropy of the predicted probabilities, averaged over every position. It
is reported in *bits per character*: 5.09 bits (log₂ 34) means guessing uniformly, about 4.1 bits
means knowing only how frequent each letter is, and the lower it goes, the more of the text's
structure the model has captured. After training the model writes new text one character at a
time: it is given a start, samples the next character from its predicted probabilities (sharpened
by a *temperature* below 1), feeds that character back in, and so on (seeded, so the sample is the
same each run). A text this small is largely learnt by heart: the sample splices together words
and phrases of it, sometimes into new sentences, sometimes into a misspelt word where two phrases
meet. (Learning the language rather than the text takes far more text.) A loss curve goes to
``char_model.png``.

Run it with ``python examples/char_model.py`` (``--quick``: far fewer steps, so the sample is
mostly gibberish, which is what an untrained model writes).
"""

from __future__ import annotations

import math
import time

import numpy as np

import autograd_lite as ag
from _common import DATA_DIR, heading, load_pyplot, parse_args, save_figure
from autograd_lite import nn, optim
from autograd_lite.nn import functional as F

TEXT = DATA_DIR / "garden.txt"


class CharModel(nn.Module):
    """Embedding → LSTM → Linear: character indices (batch, steps) in, next-character logits out."""

    def __init__(self, vocabulary: int, embedding: int = 16, hidden: int = 128) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocabulary, embedding)
        self.lstm = nn.LSTM(embedding, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocabulary)

    def forward(self, indices, state=None):
        output, state = self.lstm(self.embed(indices), state)
        return self.head(output), state


def sample(model: CharModel, start: str, length: int, encode: dict[str, int], alphabet: list[str],
           temperature: float, rng: np.random.Generator) -> str:
    """``start`` continued by ``length`` characters, each drawn from softmax(logits / temperature)."""
    model.eval()
    with ag.no_grad():
        logits, state = model(np.array([[encode[c] for c in start]]))
        written = []
        for _ in range(length):
            scores = logits.data[0, -1] / temperature
            probabilities = np.exp(scores - scores.max())
            index = rng.choice(len(alphabet), p=probabilities / probabilities.sum())
            written.append(alphabet[index])
            logits, state = model(np.array([[index]]), state)
    model.train()
    return start + "".join(written)


def main() -> None:
    quick, out_dir = parse_args(__doc__)
    steps = 30 if quick else 300
    window, batch_size = 48, 32

    heading("1. The text, as integers")
    text = TEXT.read_text(encoding="utf-8")
    alphabet = sorted(set(text))
    encode = {c: i for i, c in enumerate(alphabet)}
    data = np.array([encode[c] for c in text])
    frequencies = np.bincount(data, minlength=len(alphabet)) / len(data)
    uniform_bits = math.log2(len(alphabet))
    unigram_bits = float(-(frequencies * np.log2(frequencies)).sum())
    print(f"{len(text)} characters, {len(alphabet)} distinct: {''.join(alphabet)!r}")
    print(f"guessing uniformly costs {uniform_bits:.2f} bits per character, guessing by letter "
          f"frequency {unigram_bits:.2f}")

    heading(f"2. The model, trained for {steps} steps on random windows of {window} characters")
    ag.manual_seed(0)
    model = CharModel(len(alphabet))
    print(model)
    optimizer = optim.Adam(model.parameters(), lr=0.005)
    generator = ag.random.get_generator()
    curve = []
    start = time.perf_counter()
    for step in range(steps):
        first = generator.integers(0, len(data) - window - 1, size=batch_size)
        rows = first[:, None] + np.arange(window)
        logits, _ = model(data[rows])
        loss = F.cross_entropy(logits.reshape(-1, len(alphabet)), data[rows + 1].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        curve.append(loss.item() / math.log(2))         # nats -> bits
        if step % (steps // 5) == 0 or step == steps - 1:
            recent = np.mean(curve[-10:])
            print(f"step {step + 1:>4}: {recent:.3f} bits per character (mean of the last 10 steps)")
    bits = float(np.mean(curve[-10:]))
    print(f"training took {time.perf_counter() - start:.1f} s")
    assert bits < (unigram_bits if quick else 1.5), bits

    heading("3. The model writes (temperature 0.7)")
    rng = np.random.default_rng(0)
    written = sample(model, "The garden", 400, encode, alphabet, 0.7, rng)
    print(written)

    plt = load_pyplot()
    if plt is None:
        return
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.plot(np.arange(1, steps + 1), curve, color="tab:blue", linewidth=1, label="training loss")
    ax.axhline(uniform_bits, color="gray", linestyle=":", label="uniform guess")
    ax.axhline(unigram_bits, color="gray", linestyle="--", label="guess by letter frequency")
    ax.set_xlabel("training step")
    ax.set_ylabel("bits per character")
    ax.set_ylim(0, uniform_bits + 0.5)
    ax.set_title(f"character-level LSTM on garden.txt: {bits:.2f} bits per character at the end")
    ax.legend(fontsize=8)
    save_figure(fig, out_dir / "char_model.png")


if __name__ == "__main__":
    main()
