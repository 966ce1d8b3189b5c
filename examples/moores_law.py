"""Moore's law, fitted by hand and by automatic differentiation.
=============================================================

This demo follows Ricardo Cruz's talk *Behind Machine Learning* (DevOpsPorto, 2018), which fits a model to
the number of transistors on Intel processors (4004 in 1971 to 80386 in 1985, in thousands) using nothing
but Python. The talk's code runs here unchanged; ``autograd_lite`` supplies the derivatives that the talk
works out by hand.

1. The data: years since 1970 and log10 of the transistor count.
2. A model through the origin, ``f(m, x) = m * x``, and its cost: the mean squared error.
3. The derivative of the cost, by hand (the slide's ``dCost``) and by ``Cost(m).backward()``.
4. Gradient descent on the slope ``m``.
5. Newton's method, done right (a zero of ``dCost``) and as on the slide (a zero of ``Cost``).
6. What the slope means: the time it takes the transistor count to double.
7. The slide's ReLU network, trained by gradient descent on all of its weights.
8. A picture of the computation graph of ``Cost(m)``.

Run it with ``python examples/moores_law.py``; ``--quick`` (or ``AUTOGRAD_LITE_QUICK=1``) takes fewer steps.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path

from _common import heading, parse_args
from autograd_lite import DomainError, Value, draw_graph, grad

# ---------------------------------------------------------------------------------------------------------
# 1. The data (from the slides)
# ---------------------------------------------------------------------------------------------------------

YEARS = [1971, 1972, 1974, 1979, 1982, 1985]
TRANSISTORS = [2.31, 3.55, 6.10, 29.16, 135.77, 273.84]  # thousands of transistors

X = [x - 1970 for x in YEARS]  # years since 1970
Y = [math.log10(y) for y in TRANSISTORS]  # exponential growth becomes a straight line


# ---------------------------------------------------------------------------------------------------------
# 2. The model and its cost (from the slides)
# ---------------------------------------------------------------------------------------------------------


def f(m, x):
    return m * x


def Cost(m):  # capitalised as on the slides
    return sum(((f(m, x) - y) ** 2 for x, y in zip(X, Y))) / len(X)


# ---------------------------------------------------------------------------------------------------------
# 3. The derivative of the cost, worked out by hand (from the slides):
#    d/dm (m·x − y)² = 2·(m·x − y)·x
# ---------------------------------------------------------------------------------------------------------


def dCost(m):  # capitalised as on the slides
    return sum((2 * (f(m, x) - y) * x for x, y in zip(X, Y))) / len(X)


# ---------------------------------------------------------------------------------------------------------
# 7. The slides' ReLU network (its own ``f`` is defined inside ``fit_relu_network``)
# ---------------------------------------------------------------------------------------------------------


def relu(x):
    return x if x >= 0 else 0  # comparisons on a Value return a bool, so this runs on Values


# ---------------------------------------------------------------------------------------------------------
# Helpers for printing
# ---------------------------------------------------------------------------------------------------------



def relative_difference(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


# ---------------------------------------------------------------------------------------------------------
# The sections of the demo
# ---------------------------------------------------------------------------------------------------------


def show_data() -> None:
    heading("1. The data")
    print("year  thousands of transistors   x = year - 1970   y = log10(count)")
    for year, count, x, y in zip(YEARS, TRANSISTORS, X, Y):
        print(f"{year}  {count:24.2f}   {x:15d}   {y:16.4f}")


def check_derivatives() -> None:
    heading("2-3. Cost(m), the hand-derived dCost(m) and autograd's Cost(m).backward()")
    print("     m       Cost(m)   dCost(m) by hand   m.grad by backward()   relative difference")
    for start in [0.0, 0.1, 0.2, 0.5]:
        m = Value(start)
        cost = Cost(m)  # the slide's code, run on a Value, records a graph ...
        cost.backward()  # ... and backward() walks it in reverse to fill in m.grad
        by_hand = dCost(start)
        print(f"{start:6.2f}  {cost.data:12.6f}  {by_hand:17.10f}  {m.grad:21.10f}"
              f"   {relative_difference(by_hand, m.grad):.1e}")
    # The same derivative as a function transform: plain number in, plain number out.
    print(f"grad(Cost)(0.1) = {grad(Cost)(0.1):.10f}   (dCost(0.1) = {dCost(0.1):.10f})")


def gradient_descent(steps: int, learning_rate: float = 0.002, start: float = 0.0) -> float:
    heading(f"4. Gradient descent on m  (learning rate {learning_rate}, {steps} steps)")
    # Each step multiplies the distance to the best m by (1 - learning_rate * d2Cost), where d2Cost = 157
    # (section 5), so any learning rate below 2 / 157 = 0.0127 converges; a larger one diverges.
    m = Value(start)
    shown = {0, 1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, steps}
    for step in range(steps + 1):
        m.zero_grad()  # gradients add up over backward() calls: clear them every step
        cost = Cost(m)
        cost.backward()
        if step in shown:
            print(f"step {step:5d}:  m = {m.data:.10f}   Cost(m) = {cost.data:.10f}   "
                  f"dCost/dm = {m.grad:+.3e}")
        if step < steps:
            m.data -= learning_rate * m.grad  # take a small step downhill
    return m.data


def newton(start: float = 0.5, slide_steps: int = 12) -> float:
    heading("5. Newton's method")
    dCost_auto = grad(Cost)  # named after the slide's dCost
    d2Cost = grad(grad(Cost))  # the second derivative, by differentiating twice
    print(f"d2Cost(m) = grad(grad(Cost))(m) = {d2Cost(start):.6f}  for every m "
          f"(by hand: 2 * mean(x^2) = {2 * sum(x * x for x in X) / len(X):.6f})")

    print("\nOptimisation: look for a zero of dCost,  m <- m - dCost(m) / d2Cost(m)")
    m = start
    print(f"  start:   m = {m:.12f}   dCost(m) = {dCost_auto(m):+.3e}")
    for step in (1, 2):
        m = m - dCost_auto(m) / d2Cost(m)
        print(f"  step {step}:  m = {m:.12f}   dCost(m) = {dCost_auto(m):+.3e}")
    print("  Cost is a parabola, so its slope is a straight line and one Newton step lands on its zero.")
    m_best = m

    print(f"\nThe slide's formula: a zero of Cost itself,  m <- m - Cost(m) / dCost(m)"
          f"  (minimum Cost = {Cost(m_best):.6f} > 0)")
    m = start
    for step in range(slide_steps + 1):
        print(f"  step {step:2d}:  m = {m:+.6f}   Cost(m) = {Cost(m):.6f}   distance to the best m = "
              f"{m - m_best:+.6f}")
        slope = dCost(m)
        if slope == 0:  # exactly at the minimum the formula would divide by zero
            print("  dCost(m) = 0: the slide's formula is undefined here; stopping.")
            break
        m = m - Cost(m) / slope
    print("  The slide's formula hunts for a zero of Cost, and Cost has none: it never drops below its")
    print("  minimum value, which is above 0. So the iterates halve their distance to the best m while they")
    print("  are far from it; near it dCost is almost 0, so the next step shoots off, and they wander")
    print("  around it forever without settling. To minimise Cost we want a zero of its derivative")
    print("  dCost, not of Cost, so Newton's method for optimisation needs the second derivative.")
    return m_best


def doubling_time(m: float, m_descent: float) -> None:
    heading("6. What the slope means")
    print(f"Fitted slope (Newton):           m = {m:.6f} powers of ten per year")
    print(f"Fitted slope (gradient descent): m = {m_descent:.6f}")
    print(f"Growth per year: 10^m = {10 ** m:.4f}, i.e. {100 * (10 ** m - 1):.1f}% more transistors "
          "every year")
    print(f"Doubling time: log10(2) / m = {math.log10(2) / m:.3f} years"
          "  (Moore's law: a doubling every ~2 years)")


def fit_relu_network(steps: int, line_cost: float) -> None:
    heading(f"7. The slides' ReLU network, trained by gradient descent ({steps} steps)")

    def f(mm, nn, bb, x):  # the slide's network: a sum of ReLU neurons (a local f, so the line's f stays)
        return sum((n * relu(m * x + b) for m, n, b in zip(mm, nn, bb)))

    # The slides' weights (mm=[1, 1, 1], nn=[1e4, 1e5, 7.5e5], bb=[0, -35, -40]) are picked by hand for the
    # raw counts. We fit log10 of the counts instead, as for the line, and measure time in decades so that
    # slopes m and offsets b have similar sizes (plain gradient descent is then much faster).
    T = [x / 10 for x in X]  # decades since 1970

    def NetCost(mm, nn, bb):  # the same mean squared error as Cost
        return sum(((f(mm, nn, bb, t) - y) ** 2 for t, y in zip(T, Y))) / len(T)

    # Start like the slides: slopes 1 and neurons that switch on one after another (here in 1970, 1975, 1980).
    mm = [Value(1.0), Value(1.0), Value(1.0)]
    nn = [Value(0.5), Value(0.5), Value(0.5)]
    bb = [Value(0.0), Value(-0.5), Value(-1.0)]
    parameters = mm + nn + bb

    cost = NetCost(mm, nn, bb)
    start_cost = cost.data
    print(f"cost before training: {start_cost:.6f}   (the straight line's best cost: {line_cost:.6f})")
    cost = descend(parameters, lambda: NetCost(mm, nn, bb), cost, steps, learning_rate=0.1)
    print(f"cost after training:  {cost.data:.6f}   ({start_cost / cost.data:.0f}x lower; "
          f"{line_cost / cost.data:.1f}x lower than the line)")

    print("\nyear   data log10   network   line m*x")
    m_line = sum(x * y for x, y in zip(X, Y)) / sum(x * x for x in X)
    for year, x, t, y in zip(YEARS, X, T, Y):
        print(f"{year}   {y:10.4f}   {float(f(mm, nn, bb, t)):7.4f}   {m_line * x:8.4f}")
    print("\nneuron   n (weight)   m (slope)   b (offset)   kink (m*t + b = 0) in")
    for i, (m, n, b) in enumerate(zip(mm, nn, bb), start=1):
        when = f"{1970 + 10 * -b.data / m.data:.1f}" if m.data != 0 else "never"
        print(f"{i:6d}   {n.data:10.4f}   {m.data:9.4f}   {b.data:10.4f}   {when}")


def descend(parameters: list[Value], cost_function: Callable[[], Value], cost: Value, steps: int,
            learning_rate: float) -> Value:
    """Gradient descent on ``parameters``; returns the final cost.

    A step that would raise the cost (or overflow) is taken back and retried with half the learning rate,
    so the cost never goes up and training cannot diverge.
    """
    report_every = max(steps // 5, 1)
    for step in range(1, steps + 1):
        for p in parameters:
            p.zero_grad()
        cost.backward()
        old = [p.data for p in parameters]
        while True:
            for p, data in zip(parameters, old):
                p.data = data - learning_rate * p.grad
            try:
                new_cost = cost_function()
            except DomainError:  # an overflow: far too long a step
                new_cost = None
            if new_cost is not None and new_cost.data <= cost.data:
                break
            learning_rate /= 2  # too long a step: halve it (a zero-length step always succeeds)
        cost = new_cost
        if step % report_every == 0:
            print(f"  step {step:5d}:  cost = {cost.data:.6f}   learning rate = {learning_rate:g}")
    return cost


def draw_cost_graph(out_dir: Path) -> None:
    heading("8. The computation graph of Cost(m)")
    out_dir.mkdir(parents=True, exist_ok=True)
    m = Value(0.1, label="m")
    cost = Cost(m)
    cost.backward()  # so that every box shows its gradient too
    drawing = draw_graph(cost)
    path = out_dir / "moores_law_cost.svg"
    try:
        drawing.write_image(path)
    except RuntimeError as error:  # Graphviz's `dot` is not installed: keep the DOT source instead
        path = path.with_suffix(".dot")
        path.write_text(drawing.source)
        print(f"(could not render an SVG: {error})")
    print(f"Wrote the graph of Cost(0.1) ({drawing.source.count('->')} edges) to {path}")


# ---------------------------------------------------------------------------------------------------------
# Putting it together
# ---------------------------------------------------------------------------------------------------------


def main() -> None:
    quick, out_dir = parse_args(__doc__)

    started = time.perf_counter()
    print("Moore's law with autograd_lite" + ("  (quick run)" if quick else ""))
    show_data()
    check_derivatives()
    m_descent = gradient_descent(steps=30 if quick else 200)
    m_best = newton()
    doubling_time(m_best, m_descent)
    fit_relu_network(steps=1000 if quick else 10000, line_cost=Cost(m_best))
    draw_cost_graph(out_dir)
    print(f"\nDone in {time.perf_counter() - started:.1f} s.")


if __name__ == "__main__":
    main()
