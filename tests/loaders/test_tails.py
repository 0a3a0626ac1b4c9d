"""The tails stop summing once the terms cannot change the sum: the same doubles as summing every term."""

from __future__ import annotations

import math
import random

from loaders.tails import binomial_tail, negbin_tail, poisson_tail


def full_sum(logs: list[float]) -> float:
    top = max(logs)
    return min(1.0, math.exp(top) * sum(math.exp(v - top) for v in logs))


def span(k: int, var: float) -> range:
    return range(k, k + int(200 + 40 * math.sqrt(max(var, 1.0)) + 2 * k))


def test_tails_equal_the_sum_of_every_term() -> None:
    rng = random.Random(7)
    for _ in range(400):
        mean = rng.choice([rng.uniform(0.05, 3), rng.uniform(1, 60), rng.uniform(20, 3000)])
        var = mean * rng.choice([0.5, 1.0, 1.02, 2.0, 10.0, rng.uniform(1, 500)])
        k = rng.randint(1, int(mean * 5) + 5)  # below, at and above the mode
        log_mean = math.log(mean)
        assert poisson_tail(k, mean) == full_sum([i * log_mean - mean - math.lgamma(i + 1) for i in span(k, mean)])
        if var > mean:
            r = mean * mean / (var - mean)
            p = r / (r + mean)
            terms = [math.lgamma(i + r) - math.lgamma(r) - math.lgamma(i + 1) + r * math.log(p) + i * math.log1p(-p)
                     for i in span(k, var)]
            assert negbin_tail(k, mean, var) == full_sum(terms), (k, mean, var)
        n = rng.randint(1, 1500)
        kk, q = rng.randint(1, n), rng.uniform(0.001, 0.999)
        terms = [math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * math.log(q)
                 + (n - i) * math.log1p(-q) for i in range(kk, n + 1)]
        assert binomial_tail(kk, n, q) == full_sum(terms), (kk, n, q)
