"""matplotlib adapter: the report's charts as PNG files, with a CJK font so labels are readable."""

from __future__ import annotations

from pathlib import Path

CJK_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "C:/Windows/Fonts/msyh.ttc",
             "C:/Windows/Fonts/simhei.ttf", "/System/Library/Fonts/PingFang.ttc")


def _plt():
    import matplotlib

    matplotlib.use("Agg")  # no display on a server or in a scheduled run
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    for path in CJK_FONTS:
        if Path(path).exists():
            font_manager.fontManager.addfont(path)
            name = font_manager.FontProperties(fname=path).get_name()
            plt.rcParams["font.family"] = [name, "sans-serif"]
            break
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def _counts(axis) -> None:
    # Counts are whole numbers: ticks at 0, 1, 2 ..., never 0.5.
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def bar(path: Path, labels: list[str], values: list[int], title: str, *, horizontal: bool = False) -> Path:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, max(2.4, 0.28 * len(labels) + 1) if horizontal else 3.6), dpi=110)
    if horizontal:
        ax.barh(labels[::-1], values[::-1], color="#3b6ea5")
        _counts(ax.xaxis)
        ax.set_xlabel("件数")
    else:
        ax.bar(labels, values, color="#3b6ea5")
        ax.tick_params(axis="x", labelrotation=45)
        _counts(ax.yaxis)
        ax.set_ylabel("件数")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def line(path: Path, labels: list[str], values: list[int], title: str) -> Path:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, 3.2), dpi=110)
    ax.plot(labels, values, marker="o", color="#b03a2e")
    for x, y in zip(labels, values, strict=True):
        ax.annotate(str(y), (x, y), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=8)
    ax.tick_params(axis="x", labelrotation=30 if len(labels) > 8 else 0, labelsize=8)
    ax.set_title(title)
    ax.set_ylim(bottom=0, top=max(values, default=0) * 1.15 + 1)
    _counts(ax.yaxis)
    ax.set_ylabel("件数")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


COLOUR_HEX = {"绿": "#2e8b57", "蓝": "#2f6db5", "黄": "#e0b000", "橙": "#e07000", "红": "#c0392b", "无基准": "#a6a6a6"}


def five_colour(path: Path, rows: list[tuple[str, float, str]], title: str) -> Path:
    """(locality, share of cap, colour) as coloured bars: the 五色图 in a form a report can carry.
    Villages without a cap (无基准) have no share and are not drawn: the report lists them."""
    from matplotlib.patches import Patch

    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, max(2.4, 0.3 * len(rows) + 1.2)), dpi=110)
    names = [r[0] for r in rows][::-1]
    ax.barh(names, [r[1] * 100 for r in rows][::-1], color=[COLOUR_HEX.get(r[2], "#888") for r in rows][::-1])
    ax.axvline(100, color="#555", linestyle="--", linewidth=1)
    ax.set_xlabel("已用控制数（%），虚线为控制数")
    ax.set_title(title)
    ax.legend(handles=[Patch(color=c, label=k) for k, c in COLOUR_HEX.items() if k != "无基准"], loc="lower right",
              fontsize=7, ncols=5)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
