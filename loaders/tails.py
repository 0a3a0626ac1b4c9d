"""Upper-tail probabilities of the count models the signals use (Poisson, negative binomial, binomial).

Computed by summing the probability mass from the observed value upwards in log space, so small
tails stay exact (no ``1 − CDF`` cancellation) without a statistics library. The sum stops once the
terms, past the distribution's mode, fall below 2⁻⁵⁴ of the largest: every later one is smaller
still (the three are unimodal), so adding it could not change the double-precision sum.

Example:
    >>> round(poisson_tail(10, 3.0), 5)          # P(X >= 10) for a Poisson mean of 3
    0.0011
    >>> round(negbin_tail(10, 3.0, 9.0), 4)      # same mean, variance 9: a fatter tail
    0.0402
    >>> round(binomial_tail(7, 10, 0.3), 4)      # P(X >= 7) of 10 trials with p = 0.3
    0.0106
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

__all__ = ["binomial_tail", "count_tail", "negbin_tail", "poisson_tail"]

# a term this many nats below the largest is < 2**-54 of it (and of any sum holding it): it cannot
# change a double-precision sum of terms of at most that size
_NEGLIGIBLE = 40.0


def _logs(term: Callable[[int], float], span: Iterable[int]) -> list[float]:
    """The log terms of a unimodal distribution over ``span``, up to the first one past the mode that
    is negligible against the largest (see the module docstring)."""
    logs: list[float] = []
    top = -math.inf
    for i in span:
        v = term(i)
        if logs and v < logs[-1] and v < top - _NEGLIGIBLE:
            break
        logs.append(v)
        top = max(top, v)
    return logs


def _sum_exp(logs: list[float]) -> float:
    top = max(logs)
    return min(1.0, math.exp(top) * sum(math.exp(v - top) for v in logs))


def _span(k: int, mean: float, var: float) -> range:
    return range(k, k + int(200 + 40 * math.sqrt(max(var, 1.0)) + 2 * k))


def poisson_tail(k: int, mean: float) -> float:
    """P(X ≥ k) for X ~ Poisson(mean)."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    log_mean = math.log(mean)
    return _sum_exp(_logs(lambda i: i * log_mean - mean - math.lgamma(i + 1), _span(k, mean, mean)))


def negbin_tail(k: int, mean: float, var: float) -> float:
    """P(X ≥ k) for a negative binomial with this mean and variance (Poisson when var ≤ mean)."""
    if var <= mean or mean <= 0:
        return poisson_tail(k, mean)
    if k <= 0:
        return 1.0
    r = mean * mean / (var - mean)
    p = r / (r + mean)
    log_p, log_q, base = math.log(p), math.log1p(-p), math.lgamma(r)
    return _sum_exp(_logs(lambda i: math.lgamma(i + r) - base - math.lgamma(i + 1) + r * log_p + i * log_q,
                          _span(k, mean, var)))


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    if k > n or p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    log_p, log_q, top = math.log(p), math.log1p(-p), math.lgamma(n + 1)
    return _sum_exp(_logs(lambda i: top - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q,
                          range(k, n + 1)))


def count_tail(k: int, mean: float, var: float) -> float:
    """The tail the surge signal uses: negative binomial when the baseline is overdispersed."""
    return negbin_tail(k, mean, var)
