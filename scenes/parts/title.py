"""The chapter's title card and the heading that stays on top for the rest of the clip."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, VGroup

from scenes import style
from scenes.i18n import _
from scenes.layout import Layout
from scenes.parts.text import label, wrapped


class TitleCard(VGroup):
    """ "STEP n", the title and the subtitle, centred in the body and fitted to it."""

    def __init__(self, number: int, title: str, subtitle: str, lay: Layout) -> None:
        super().__init__()
        self.number, self.name = number, title
        width = lay.body.width
        self.kicker = label(_("CHAPTER {number}").format(number=number), size=style.LABEL, colour=style.HIGHLIGHT)
        self.title = wrapped(title, width, size=style.TITLE, weight="BOLD")
        self.subtitle = wrapped(subtitle, width, size=style.LABEL + 4, colour=style.MUTED)
        for line in (self.title, self.subtitle):
            line.scale(min(1.0, width / line.width))
        self.add(self.kicker, self.title, self.subtitle)
        self.arrange(DOWN, buff=0.35)
        lay.body.place(self)


class Header(VGroup):
    """ "n  Title" in the header's left, the example and image in its right, muted."""

    def __init__(self, number: int, title: str, source: str, lay: Layout) -> None:
        super().__init__()
        zone = lay.header
        self.source = label(source, size=style.SMALL, colour=style.MUTED)
        zone.place(self.source, RIGHT, fit=True)
        self.title = label(f"{number}  {title}", size=style.HEADING, weight="BOLD")
        room = zone.width - self.source.width - 0.4
        if room < 0.5 * zone.width:  # a narrow frame: the source goes under the title, as small
            top, bottom = zone.rows(0.62, 0.38, gap=0.04)
            top.place(self.title, LEFT)
            self.source.scale(min(1.0, self.title.height / self.source.height * 0.75))
            bottom.place(self.source, RIGHT)
        else:
            self.title.scale(min(1.0, room / self.title.width, zone.height / self.title.height))
            zone.place(self.title, LEFT, fit=False)
        self.add(self.title, self.source)
