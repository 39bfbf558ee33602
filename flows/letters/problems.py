"""What is wrong with a template, said in Chinese, with the file and the paragraph."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import BusinessError


@dataclass(frozen=True)
class Problem:
    file: str  # template file name, e.g. 交办单.docx
    message: str  # what is wrong and what to do, in Chinese
    paragraph: int | None = None  # 1-based, counting every paragraph incl. table cells
    part: str = "正文"  # 正文 / 页眉 / 页脚
    snippet: str = ""  # the paragraph's text, shortened

    def __str__(self) -> str:
        where = f"{self.part}第{self.paragraph}段" if self.paragraph else self.part
        tail = f"（“{self.snippet}”）" if self.snippet else ""
        return f"{self.file} {where}：{self.message}{tail}"


class TemplateProblem(BusinessError):
    """A template cannot be used: that kind of letter is skipped, the others go on."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("；".join(str(p) for p in problems) or "模板有误")
