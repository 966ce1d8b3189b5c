"""``keras.optimizers``: Keras 3's optimizers by their names and arguments, as settings that
``compile`` turns into the :mod:`autograd_lite.optim` optimizer with Keras' update rule
(:mod:`autograd_lite.optim.keras_rules`) once the model's weights exist (Keras' optimizers, too, are
made before the model is built).

>>> from autograd_lite import keras
>>> keras.optimizers.Adam(learning_rate=0.01).get_config()
{'learning_rate': 0.01, 'beta_1': 0.9, 'beta_2': 0.999, 'epsilon': 1e-07, 'amsgrad': False}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .. import optim
from .._checks import boolean, real
from ..tensor import Tensor

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "from_optim"]


class Optimizer:
    """Keras-style optimizer settings; ``compile(optimizer=...)`` calls :meth:`make` with the model's
    parameters at the first ``fit``. ``learning_rate`` may be changed until then."""

    def __init__(self, **config: Any) -> None:
        self.config = config

    @property
    def learning_rate(self) -> float:
        return self.config["learning_rate"]

    def get_config(self) -> dict[str, Any]:
        return dict(self.config)

    def make(self, params: Iterable[Tensor]) -> optim.Optimizer:
        raise NotImplementedError

    def __call__(self, params: Iterable[Tensor]) -> optim.Optimizer:
        return self.make(params)


#: the arguments every Keras optimizer takes, with the values that leave its rule as it is
_COMMON = {
    "name": None,
    "weight_decay": None,
    "clipnorm": None,
    "clipvalue": None,
    "global_clipnorm": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


def _refuse_unsupported(where: str, kwargs: dict[str, Any]) -> None:
    """Keras' common optimizer arguments are accepted at the values that change nothing (and
    ``name``); any other value, or an argument Keras does not have, is an error naming it."""
    for key, value in kwargs.items():
        if key not in _COMMON:
            raise TypeError(
                f"{where}: unexpected argument {key!r}; Keras' common arguments are {sorted(_COMMON)}"
            )
        if key != "name" and value != _COMMON[key]:
            raise NotImplementedError(
                f"{where}: {key}={value!r} is not supported here; clip gradients with "
                f"nn.utils.clip_grad_norm_ in a train_step of your own, or use AdamW "
                f"for weight decay"
                if key != "use_ema"
                else f"{where}: use_ema=True is not supported"
            )


def _rate(name: str, value: float) -> float:
    return real(value, "learning_rate", name, minimum=0.0)


class SGD(Optimizer):
    """Keras' ``SGD(learning_rate=0.01, momentum=0.0, nesterov=False)``."""

    def __init__(
        self, learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False, **kwargs: Any
    ) -> None:
        _refuse_unsupported("SGD", kwargs)
        super().__init__(
            learning_rate=_rate("SGD", learning_rate),
            momentum=real(momentum, "momentum", "SGD", minimum=0.0),
            nesterov=boolean(nesterov, "nesterov", "SGD"),
        )

    def make(self, params: Iterable[Tensor]) -> optim.Optimizer:
        c = self.config
        return optim.SGD(params, lr=c["learning_rate"], momentum=c["momentum"], nesterov=c["nesterov"])


class Adam(Optimizer):
    """Keras' ``Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False)``."""

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        **kwargs: Any,
    ) -> None:
        _refuse_unsupported(type(self).__name__, kwargs)
        super().__init__(
            learning_rate=_rate(type(self).__name__, learning_rate),
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=boolean(amsgrad, "amsgrad", type(self).__name__),
        )

    def make(self, params: Iterable[Tensor]) -> optim.Optimizer:
        c = self.config
        return optim.KerasAdam(
            params,
            lr=c["learning_rate"],
            betas=(c["beta_1"], c["beta_2"]),
            eps=c["epsilon"],
            amsgrad=c["amsgrad"],
        )


class AdamW(Adam):
    """Keras' ``AdamW(learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7)``."""

    def __init__(
        self,
        learning_rate: float = 0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, **kwargs)
        self.config["weight_decay"] = real(weight_decay, "weight_decay", "AdamW", minimum=0.0)

    def make(self, params: Iterable[Tensor]) -> optim.Optimizer:
        c = self.config
        return optim.KerasAdamW(
            params,
            lr=c["learning_rate"],
            betas=(c["beta_1"], c["beta_2"]),
            eps=c["epsilon"],
            weight_decay=c["weight_decay"],
            amsgrad=c["amsgrad"],
        )


class RMSprop(Optimizer):
    """Keras' ``RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False)``."""

    def __init__(
        self,
        learning_rate: float = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        **kwargs: Any,
    ) -> None:
        _refuse_unsupported("RMSprop", kwargs)
        super().__init__(
            learning_rate=_rate("RMSprop", learning_rate),
            rho=rho,
            momentum=momentum,
            epsilon=epsilon,
            centered=boolean(centered, "centered", "RMSprop"),
        )

    def make(self, params: Iterable[Tensor]) -> optim.Optimizer:
        c = self.config
        return optim.KerasRMSprop(
            params,
            lr=c["learning_rate"],
            alpha=c["rho"],
            eps=c["epsilon"],
            momentum=c["momentum"],
            centered=c["centered"],
        )


class Adagrad(Optimizer):
    """Keras' ``Adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7)``."""

    def __init__(
        self,
        learning_rate: float = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        **kwargs: Any,
    ) -> None:
        _refuse_unsupported("Adagrad", kwargs)
        super().__init__(
            learning_rate=_rate("Adagrad", learning_rate),
            initial_accumulator_value=initial_accumulator_value,
            epsilon=epsilon,
        )

    def make(self, params: Iterable[Tensor]) -> optim.Optimizer:
        c = self.config
        return optim.KerasAdagrad(
            params,
            lr=c["learning_rate"],
            eps=c["epsilon"],
            initial_accumulator_value=c["initial_accumulator_value"],
        )


def from_optim(class_name: str, settings: dict[str, Any]) -> Any:
    """A function that remakes an :mod:`autograd_lite.optim` optimizer of ``class_name`` with the
    settings of its first group (what ``load_model`` uses for a model compiled with one)."""
    cls = getattr(optim, class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, optim.Optimizer)) or cls is optim.Optimizer:
        raise ValueError(f"load_model: unknown optimizer {class_name!r}")
    settings = {k: tuple(v) if isinstance(v, list) else v for k, v in settings.items()}
    return lambda params: cls(params, **settings)
