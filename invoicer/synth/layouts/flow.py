"""Page flow of multi-page invoices: item table across pages, then totals and closing blocks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from invoicer.synth.layouts.base import Column, Ctx, TableStyle, draw_item_table
from invoicer.synth.render import Sheet


def invoice_flow(
    ctx: Ctx,
    *,
    y: float,
    x0: float,
    cols: Sequence[Column],
    style: TableStyle,
    bottom: float,
    continuation: Callable[[], float],
    footer: Callable[[Sheet], None],
    closing: Sequence[tuple[float, Callable[[float], float]]],
    carry: bool = False,
) -> float:
    """Draw the item table from ``y`` and then each closing block (estimated height, draw(y) -> y).

    Pages break before a row or block would pass ``bottom``: ``footer(sheet)`` closes the page,
    ``continuation()`` starts the next and returns where to go on. With ``carry`` a "carried forward"
    subtotal is printed at each break and "brought forward" at the top of the next page.
    """
    footed: set[int] = set()
    running: dict[str, Decimal | None] = {"sum": None}

    def close_page() -> None:
        sheet = ctx.sheet
        if id(sheet) not in footed:
            footed.add(id(sheet))
            footer(sheet)

    def on_break() -> float:
        close_page()
        ctx.new_sheet()
        yy = continuation()
        if carry and running["sum"] is not None:
            x1 = x0 + sum(c.width for c in cols)
            ctx.txt(x0 + 3, yy, ctx.t("brought", n=len(ctx.sheets) - 1), kind="bold", size=style.size)
            ctx.txt(x1 - 3, yy, ctx.num(running["sum"]), kind="bold", size=style.size, align="right")
            yy += style.size * ctx.theme.leading * 1.6
        return yy

    def on_continue(yy: float) -> None:
        # the rows already drawn on this page: sum the amounts of items registered so far
        total = sum((it.amount for k, it in enumerate(ctx.doc.items) if k in ctx.items), start=ctx.doc.items_total * 0)
        running["sum"] = total
        if carry:
            x1 = x0 + sum(c.width for c in cols)
            ctx.txt(x0 + 3, yy + style.size * 1.6, ctx.t("carried"), kind="bold", size=style.size)
            ctx.txt(x1 - 3, yy + style.size * 1.6, ctx.num(total), kind="bold", size=style.size, align="right")
        else:
            ctx.txt(x0 + sum(c.width for c in cols), yy + style.size * 2.0, ctx.t("continued", m=len(ctx.sheets) + 1),
                    size=style.size * 0.9, color=ctx.theme.muted, align="right")

    y = draw_item_table(ctx, x0, y, cols, style, bottom=bottom, on_break=on_break, on_continue=on_continue)
    for need, draw in closing:
        if y + need > bottom:
            close_page()
            ctx.new_sheet()
            y = continuation()
        y = draw(y)
    close_page()
    return y
