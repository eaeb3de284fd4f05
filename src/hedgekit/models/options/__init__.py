"""European option pricing: Black-Scholes-Merton, Black-76, Merton jump diffusion, implied vol,
smile fits. Pure numpy/scipy, vectorized.

Layout like the maths: prices (``black_scholes``, ``black76``, ``merton_jump_diffusion``),
analytic Greeks (``*_greeks`` -> :class:`OptionGreeks`), implied volatility (``implied_vol``) and
the smile (``fit_svi``, ``fit_quadratic_smile``).

Units everywhere: T in years (365 days), rates continuously compounded per year, vol annualised
(1.00 = 100 %); delta per 1 unit of underlying price, vega per 1.00 of vol, theta per year of
calendar time (dV/dt = -dV/dT), rho per 1.00 of rate.
"""

from hedgekit.models.options.black_scholes import (
    OptionGreeks,
    black76,
    black76_greeks,
    black_scholes,
    black_scholes_greeks,
    generalized_black_scholes,
)
from hedgekit.models.options.implied_vol import implied_vol
from hedgekit.models.options.merton import merton_jump_diffusion, merton_jump_diffusion_greeks
from hedgekit.models.options.smile import (
    QuadraticSmile,
    SVISmile,
    fit_quadratic_smile,
    fit_svi,
)

__all__ = [
    "OptionGreeks",
    "QuadraticSmile",
    "SVISmile",
    "black76",
    "black76_greeks",
    "black_scholes",
    "black_scholes_greeks",
    "fit_quadratic_smile",
    "fit_svi",
    "generalized_black_scholes",
    "implied_vol",
    "merton_jump_diffusion",
    "merton_jump_diffusion_greeks",
]
