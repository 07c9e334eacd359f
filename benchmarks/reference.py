"""The reference unit: Mesa's Boltzmann wealth model, N = 1,000 agents, no space.

Each step every agent with wealth gives one unit to a random agent. Its speed in agent-steps
per second, measured in the same process as the model, turns every timing into a
machine-independent cost ("reference agent-steps").
"""

from __future__ import annotations

import time

import mesa


class _Wealthy(mesa.Agent):
    def __init__(self, model):
        super().__init__(model)
        self.wealth = 1

    def step(self):
        if self.wealth > 0:
            other = self.model.random.choice(self.model.agent_list)
            other.wealth += 1
            self.wealth -= 1


class BoltzmannWealth(mesa.Model):
    def __init__(self, n: int = 1000, rng: int = 0):
        super().__init__(rng=rng)
        _Wealthy.create_agents(self, n)
        self.agent_list = list(self.agents)

    def step(self):
        self.agents.shuffle_do("step")


def agent_steps_per_second(n: int = 1000, steps: int = 200, repeats: int = 3) -> float:
    """Best of ``repeats`` timings of ``steps`` steps of the Boltzmann model."""
    best = float("inf")
    for r in range(repeats):
        model = BoltzmannWealth(n, rng=r)
        t0 = time.perf_counter()
        for _ in range(steps):
            model.step()
        best = min(best, time.perf_counter() - t0)
    return n * steps / best


def paired_costs(seconds: list[float], rates: list[float]) -> list[float]:
    """Each run's cost in reference agent-steps: its time times the reference measured just
    before it (``rates[i]``) or just after it (``rates[i + 1]``), whichever ran faster.

    On a machine whose speed swings within seconds, the fastest run of a series and the fastest
    reference of it can come from different spells; each run is charged at a reference of its
    own spell instead, and at the dearer of the two around it."""
    if len(rates) != len(seconds) + 1:
        raise ValueError("one reference before the first run and one after each run")
    return [sec * max(rates[i], rates[i + 1]) for i, sec in enumerate(seconds)]
