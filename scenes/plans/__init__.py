"""Lesson plans: what each chapter shows, chosen from the engine's trace. Pure NumPy, no Manim.

A plan module per chapter exposes ``plan(story) -> <Chapter>Plan``, a frozen dataclass holding every
value, position, chosen cell, colour scale and outcome sentence its scene draws. Plans are tested
without Manim; scenes draw a plan and never compute a number.
"""
