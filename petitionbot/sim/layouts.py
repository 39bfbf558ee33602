"""The two page layouts the simulator can serve.

v1 is the system as the robot was first written against: a frameset, th/td tables, ids.
v2 is "after the vendor's upgrade": iframes, dl/dt/dd, other paths, other element ids and
class names, other column orders and partly other label words. The robot must find its way
through both by visible labels and text; the server answers both path families whatever the
current layout, as old bookmarks keep working after an upgrade.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Layout:
    name: str
    login: str
    captcha: str
    main: str
    menu: str
    welcome: str
    list_sign: str
    list_handle: str
    api: str
    detail: str
    detail_param: str
    sign: str
    download: str
    download_params: tuple[str, str]
    # (dataset key, label) in display order
    fields: tuple[tuple[str, str], ...]
    petitioner_cols: tuple[tuple[str, str], ...]
    list_cols: tuple[tuple[str, str], ...]
    attachments_label: str
    page_sizes: tuple[int, ...] = (10, 20, 50, 100)


V1 = Layout(
    name="v1", login="/login", captcha="/captcha.svg", main="/main", menu="/menu", welcome="/welcome",
    list_sign="/todo/sign", list_handle="/todo/handle", api="/api/todo",
    detail="/petition/detail", detail_param="ref", sign="/petition/sign",
    download="/attachment/download", download_params=("ref", "idx"),
    fields=(
        ("ref", "信访件编号"), ("title", "标题"), ("form", "信访形式"), ("received_on", "登记日期"),
        ("assigned_on", "交办日期"), ("assigned_to", "责任单位"), ("assigning_office", "交办机关"),
        ("handover", "交办方式"), ("handover_no", "交办文号"), ("due_on", "限办日期"), ("headcount", "人数"),
        ("locality", "问题属地"), ("purpose", "信访目的"), ("category", "内容分类"), ("content", "信访内容"),
        ("demand", "诉求"), ("anonymous", "是否匿名"), ("status", "办理状态"),
    ),
    petitioner_cols=(("name", "姓名"), ("id_number", "身份证号"), ("phone", "联系电话"), ("address", "住址")),
    list_cols=(("ref", "信访件编号"), ("title", "标题"), ("form", "信访形式"), ("assigned_on", "交办日期"),
               ("due_on", "限办日期"), ("status", "状态")),
    attachments_label="附件",
)

V2 = Layout(
    name="v2", login="/xf/login.do", captcha="/xf/captcha.do", main="/xf/index.do", menu="/xf/menu.do",
    welcome="/xf/welcome.do", list_sign="/xf/dqs.do", list_handle="/xf/dbl.do", api="/xf/api/list.do",
    detail="/xf/view.do", detail_param="xfjbh", sign="/xf/qs.do",
    download="/xf/fj/down.do", download_params=("xfjbh", "fjxh"),
    fields=(
        ("ref", "信访编号"), ("status", "当前状态"), ("title", "信访标题"), ("form", "来源形式"),
        ("received_on", "收信日期"), ("assigned_on", "转交日期"), ("due_on", "办理期限"),
        ("assigned_to", "承办单位"), ("assigning_office", "交办单位"), ("handover", "办理方式"),
        ("handover_no", "文号"), ("locality", "属地"), ("headcount", "信访人数"), ("purpose", "目的"),
        ("category", "问题类别"), ("content", "反映内容"), ("demand", "主要诉求"), ("anonymous", "匿名"),
    ),
    petitioner_cols=(("phone", "手机号码"), ("name", "姓名"), ("address", "家庭住址"), ("id_number", "证件号码")),
    list_cols=(("title", "信访标题"), ("due_on", "办理期限"), ("assigned_on", "转交日期"), ("ref", "信访编号"),
               ("status", "当前状态")),
    attachments_label="附件材料",
)

# "broken": v1 whose detail labels were renamed by a half-finished upgrade. The robot cannot
# know what the values mean and must stop with LayoutChanged rather than guess.
BROKEN = replace(V1, fields=tuple((key, f"字段{i}") for i, (key, _) in enumerate(V1.fields, start=1)),
                 attachments_label="字段0")

LAYOUTS = {"v1": V1, "v2": V2, "broken": BROKEN}


def by_name(name: str) -> Layout:
    return LAYOUTS.get(name, V1)
