"""Handwritten digits: a small real data set, trained Keras-style to a stated test accuracy.
=========================================================================================

scikit-learn ships 1,797 8×8 images of the digits 0-9 (``load_digits``: no download). A 64 -> 64
ReLU -> 10 softmax network is trained with sparse categorical cross-entropy and Adam; ``fit`` holds
out 10% of the training set for validation and reports it per epoch. The test set is never seen in
training. A few test digits with their predictions go to ``digits.png``.

Run it with ``python examples/digits.py`` (``--quick``: fewer epochs). Needs the ``examples`` extra
(``pip install -e '.[examples]'``) for the data set.
"""

from __future__ import annotations

import time

from _common import EXTRA_HINT, heading, load_pyplot, parse_args, save_figure
from autograd_lite.nn import Dense, Sequential, manual_seed


def main() -> None:
    quick, out_dir = parse_args(__doc__)
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError:
        print(f"This example needs scikit-learn for its data set: {EXTRA_HINT}")
        return
    epochs = 8 if quick else 40

    heading("1. The data")
    digits = load_digits()
    X = digits.data / 16.0                    # pixel intensities 0..16 -> 0..1
    y = digits.target
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    print(f"{len(X_train)} training and {len(X_test)} test images of {X.shape[1]} pixels, 10 classes")

    heading(f"2. The model, trained for {epochs} epochs")
    manual_seed(0)
    model = Sequential()
    model.add(Dense(64, input_dim=64, activation="relu"))
    model.add(Dense(10, activation="softmax"))
    print(model)
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(X_train, y_train, epochs=epochs, batch_size=32, validation_split=0.1, seed=0,
                        verbose=0)
    seconds = time.perf_counter() - start
    for epoch in sorted({0, epochs // 2, epochs - 1}):
        logs = {name: values[epoch] for name, values in history.history.items()}
        print(f"epoch {epoch + 1:>3}: " + "  ".join(f"{k} {v:.4f}" for k, v in logs.items()))
    print(f"fit took {seconds:.2f} s")

    heading("3. On the test set")
    loss, accuracy = model.evaluate(X_test, y_test, verbose=0)
    predicted = model.predict(X_test).argmax(axis=1)
    print(f"test loss {loss:.4f}, test accuracy {accuracy:.4f} ({int((predicted == y_test).sum())} of "
          f"{len(y_test)} right)")
    assert accuracy >= (0.90 if quick else 0.95), accuracy

    plt = load_pyplot()
    if plt is None:
        return
    fig, axes = plt.subplots(2, 8, figsize=(10, 3))
    for ax, image, label, guess in zip(axes.ravel(), X_test, y_test, predicted):
        ax.imshow(image.reshape(8, 8), cmap="gray_r")
        ax.set_title(f"{guess}" + ("" if guess == label else f" (is {label})"),
                     color="black" if guess == label else "red")
        ax.axis("off")
    fig.suptitle(f"test digits and predictions (test accuracy {accuracy:.1%})")
    save_figure(fig, out_dir / "digits.png")


if __name__ == "__main__":
    main()
