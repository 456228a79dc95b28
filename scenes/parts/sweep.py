"""A window sweep: one ValueTracker walks the positions, updaters keep every part on the current one.

As in 3Blue1Brown's convolution scenes: the rig is built once, then a single
``tracker.animate.set_value(...)`` drives the glass, the marker, the output filling up and a readout.
"""

from __future__ import annotations

from collections.abc import Callable

from manim import Animation, Mobject, ValueTracker, always_redraw, linear

from scenes.parts.grid import GridGeometry


class WindowSweep:
    """Walks positions ``0 .. count - 1`` (raster order of the output), starting at ``start``.

    - ``follow(mob, place)``: ``place(mob, i)`` puts ``mob`` at position ``i`` on every frame;
    - ``fill(view)``: ``view.reveal(i + 1)``: the output fills up cell by cell;
    - ``readout(make)``: ``make(i)`` builds a small mobject (e.g. the current value) every frame;
    - ``run(run_time)``: the one animation; ``stop()`` ends it with everything revealed.
    """

    def __init__(self, count: int, start: int = 0) -> None:
        self.count = count
        self.tracker = ValueTracker(start)
        self.parts: list[Mobject] = []
        self.views: list[GridGeometry] = []

    def index(self) -> int:
        return max(0, min(int(self.tracker.get_value()), self.count - 1))

    def follow(self, mob: Mobject, place: Callable[[Mobject, int], object]) -> Mobject:
        place(mob, self.index())
        mob.add_updater(lambda m: place(m, self.index()))
        self.parts.append(mob)
        return mob

    def fill(self, view) -> None:
        # An updater also makes the view redraw every frame (static mobjects are drawn once).
        view.reveal(self.index() + 1)
        view.add_updater(lambda m: m.reveal(self.index() + 1))
        self.views.append(view)

    def readout(self, make: Callable[[int], Mobject]) -> Mobject:
        mob = always_redraw(lambda: make(self.index()))
        self.parts.append(mob)
        return mob

    def run(self, run_time: float) -> Animation:
        return self.tracker.animate(run_time=run_time, rate_func=linear).set_value(self.count)

    def stop(self) -> None:
        for m in [*self.parts, *self.views]:
            m.clear_updaters()
        for v in self.views:
            v.reveal(v.shape[0] * v.shape[1])
