"""A convolutional network on handwritten digits, PyTorch-style.
==============================================================

The same 8×8 digits as ``digits.py`` (scikit-learn's ``load_digits``: 1,797 images, no download),
now with the network that suits images: a *convolutional* one. A convolution slides small learned
3×3 filters over the image, so the same stroke detector is used at every position; max-pooling
keeps the strongest response in each 2×2 patch, halving the image and making the network less
sensitive to small shifts. Two such stages (16 then 32 filters: 8×8 → 4×4 → 2×2) are followed by
``Flatten`` and one ``Linear`` layer that reads the 32·2·2 = 128 features and gives 10 scores::

    Conv2d(1, 16, 3, padding=1) → BatchNorm2d(16) → ReLU → MaxPool2d(2)
    → Conv2d(16, 32, 3, padding=1) → BatchNorm2d(32) → ReLU → MaxPool2d(2)
    → Flatten → Dropout(0.25) → Linear(128, 10)

It is trained as in PyTorch: a ``DataLoader`` deals out shuffled mini-batches, ``F.cross_entropy``
compares the scores with the labels, ``loss.backward()`` computes the gradients and ``Adam`` takes a
step, with a learning rate that a ``CosineAnnealingLR`` schedule lowers smoothly to 0 by the last
epoch. Two layers behave differently in training and in testing. ``BatchNorm2d`` rescales each
channel to mean 0 and variance 1 over the batch (which keeps the layers' inputs in a range where
training is fast and stable), and keeps running averages of those statistics for testing, when there
may be a single image. ``Dropout`` zeroes a random quarter of the features at each training step, so
the last layer cannot rely on any single one. ``model.eval()`` switches both to their test behaviour
(the running statistics, no dropout), ``model.train()`` back. The test set is never seen in
training. Two pictures: the 16 learned first-layer filters (``digits_cnn_filters.png``:
stroke and edge detectors) and every misclassified test digit with the predicted and the true label
(``digits_cnn_mistakes.png``).

Run it with ``python examples/digits_cnn.py`` (``--quick``: fewer epochs, a lower accuracy). Needs the
``examples`` extra (``pip install -e '.[examples]'``) for the data set.
"""

from __future__ import annotations

import time

import numpy as np

import autograd_lite as ag
from _common import EXTRA_HINT, heading, load_pyplot, parse_args, save_figure
from autograd_lite import nn, optim
from autograd_lite.data import DataLoader, TensorDataset
from autograd_lite.nn import functional as F


def make_model() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),    # (N, 16, 4, 4)
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),   # (N, 32, 2, 2)
        nn.Flatten(), nn.Dropout(0.25), nn.Linear(32 * 2 * 2, 10),
    )


def predict(model: nn.Sequential, images: np.ndarray) -> np.ndarray:
    """The predicted class of each image, in eval mode (no dropout, BatchNorm's running statistics),
    recording no graph."""
    model.eval()
    with ag.no_grad():
        scores = model(images).data
    model.train()
    return scores.argmax(axis=1)


def main() -> None:
    quick, out_dir = parse_args(__doc__)
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError:
        print(f"This example needs scikit-learn for its data set: {EXTRA_HINT}")
        return
    epochs = 3 if quick else 30

    heading("1. The data: images with one channel, (N, 1, 8, 8), as convolutions take them")
    digits = load_digits()
    images = (digits.images / 16.0)[:, None, :, :]      # intensities 0..16 -> 0..1; add the channel axis
    X_train, X_test, y_train, y_test = train_test_split(images, digits.target, test_size=0.25,
                                                        random_state=0, stratify=digits.target)
    print(f"{len(X_train)} training and {len(X_test)} test images of shape {X_train.shape[1:]}, 10 classes")

    heading(f"2. The model, trained for {epochs} epochs")
    ag.manual_seed(0)
    model = make_model()
    print(model)
    optimizer = optim.Adam(model.parameters(), lr=0.005)
    schedule = optim.CosineAnnealingLR(optimizer, T_max=epochs)
    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True)
    start = time.perf_counter()
    for epoch in range(epochs):
        total = 0.0
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
        schedule.step()
        if epoch in (0, epochs // 2, epochs - 1) or epoch % 10 == 9:
            accuracy = (predict(model, X_test) == y_test).mean()
            print(f"epoch {epoch + 1:>3}: training loss {total / len(y_train):.4f}, "
                  f"test accuracy {accuracy:.4f}")
    print(f"training took {time.perf_counter() - start:.1f} s")

    heading("3. On the test set")
    predicted = predict(model, X_test)
    wrong = np.flatnonzero(predicted != y_test)
    accuracy = 1.0 - len(wrong) / len(y_test)
    print(f"test accuracy {accuracy:.4f}: {len(y_test) - len(wrong)} of {len(y_test)} right, "
          f"{len(wrong)} wrong")
    for index in wrong[:10]:
        print(f"  test image {index:>3}: predicted {predicted[index]}, is {y_test[index]}")
    if len(wrong) > 10:
        print(f"  ... and {len(wrong) - 10} more")
    assert accuracy >= (0.9 if quick else 0.98), accuracy

    plt = load_pyplot()
    if plt is None:
        return
    filters = model[0].weight.data[:, 0]                # (16, 3, 3)
    fig, axes = plt.subplots(2, 8, figsize=(9, 2.8))
    bound = np.abs(filters).max()
    for number, (ax, kernel) in enumerate(zip(axes.ravel(), filters)):
        ax.imshow(kernel, cmap="RdBu_r", vmin=-bound, vmax=bound)
        ax.set_title(f"filter {number}", fontsize=8)
        ax.axis("off")
    fig.suptitle("the 16 learned 3×3 filters of the first layer (red: positive weights, blue: negative)")
    save_figure(fig, out_dir / "digits_cnn_filters.png")

    shown = wrong[:16]
    fig, axes = plt.subplots(1, max(len(shown), 1), figsize=(max(1.2 * len(shown), 6.0), 2.4), squeeze=False)
    for ax, index in zip(axes.ravel(), shown):
        ax.imshow(X_test[index, 0], cmap="gray_r")
        ax.set_title(f"{predicted[index]} (is {y_test[index]})", color="red", fontsize=9)
    for ax in axes.ravel():
        ax.axis("off")
    fig.suptitle(f"the {len(wrong)} misclassified test digits, as predicted (true label)\n"
                 f"test accuracy {accuracy:.1%}", fontsize=10)
    save_figure(fig, out_dir / "digits_cnn_mistakes.png")


if __name__ == "__main__":
    main()
