"""How each workspace layer looks: colours, categories, symbols, labels and panel groups.

Colours follow the provincial 三线一单 maps: green for 优先保护, red for 重点管控, yellow for
一般管控, with semi-transparent fills so the basemap and the other zones stay readable.
Colours are (r, g, b, a) tuples; the painter turns them into Qt colours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geodata.messages import Message, in_language

RGBA = tuple[int, int, int, int]


@dataclass(frozen=True)
class Category:
    """One legend entry: features whose ``field`` value equals ``key``."""

    key: str
    label_zh: str
    label_en: str
    fill: RGBA = (0, 0, 0, 0)
    stroke: RGBA = (0, 0, 0, 255)
    shape: str = "circle"  # point symbols: circle, square, triangle, diamond, cross

    def label(self, lang: str) -> str:
        return Message(self.label_zh, self.label_en).text(lang)


@dataclass(frozen=True)
class LayerStyle:
    kind: str  # "polygon", "line", "point"
    group: str  # panel group key, see GROUPS
    fill: RGBA = (0, 0, 0, 0)
    stroke: RGBA = (0, 0, 0, 255)
    stroke_width: float = 1.0
    dash: bool = False
    #: Field whose value picks the category (colour); empty = one symbol for all.
    category_field: str = ""
    categories: tuple[Category, ...] = ()
    #: Points only: a second field that picks the marker shape (e.g. remediation).
    #: Polygons: a second field that picks a pattern drawn over the fill ("hatch").
    shape_field: str = ""
    shapes: tuple[Category, ...] = ()
    point_size: float = 9.0
    label_field_zh: str = ""
    label_field_en: str = ""
    #: Labels are drawn only when the view resolution (m/px) is below this.
    label_max_res: float = 1e9
    label_priority: int = 5  # lower draws first and wins collisions
    label_size: float = 9.0
    label_color: RGBA = (40, 40, 40, 255)
    label_bold: bool = False
    #: Drawn only when the view resolution is below this (m/px).
    max_res: float = 1e9
    queryable: bool = False
    visible: bool = True
    labels: bool = True

    def label_field(self, lang: str) -> str:
        return in_language(lang, self.label_field_zh, self.label_field_en)


#: Panel groups, top to bottom, with their titles.
GROUPS = (
    ("units", "管控单元", "Control units"),
    ("outfalls", "排污口", "Outfalls"),
    ("bays", "海湾", "Bays"),
    ("protected", "自然保护地", "Protected areas"),
    ("admin", "行政区划", "Administrative"),
    ("basemap", "底图", "Basemap"),
)

UNIT_CLASSES = (
    Category("1", "优先保护单元", "Priority protection", (67, 160, 71, 110), (46, 125, 50, 255)),
    Category("2", "重点管控单元", "Key control", (229, 57, 53, 105), (183, 28, 28, 255)),
    Category("3", "一般管控单元", "General control", (253, 216, 53, 115), (190, 150, 20, 255)),
)

OUTFALL_TYPES = (
    Category("工业排污口", "工业排污口", "Industrial", (198, 40, 40, 255), (255, 255, 255, 255)),
    Category("城镇污水处理厂排污口", "城镇污水处理厂排污口", "Municipal WWTP",
             (21, 101, 192, 255), (255, 255, 255, 255)),
    Category("农业排口", "农业排口", "Agricultural", (46, 125, 50, 255), (255, 255, 255, 255)),
    Category("其他排口", "其他排口", "Other", (94, 53, 177, 255), (255, 255, 255, 255)),
)

REMEDIATION = (
    Category("取缔", "取缔", "Close", shape="cross"),
    Category("合并", "合并", "Merge", shape="triangle"),
    Category("规范", "规范", "Regularise", shape="circle"),
)

#: Control units on land and at sea share the class colours; sea units are hatched so a
#: general-control sea unit (yellow) does not read as land.  Polygon "shapes" are patterns.
UNIT_DOMAINS = (
    Category("land", "陆域单元", "Land units", stroke=(0, 0, 0, 0), shape="plain"),
    Category("sea", "海域单元（斜线）", "Sea units (hatched)", stroke=(21, 101, 192, 190),
             shape="hatch"),
)

PROTECTED_KINDS = (
    Category("自然保护区", "自然保护区", "Nature reserve", (0, 121, 107, 80), (0, 96, 86, 255)),
    Category("海洋公园", "海洋公园", "Marine park", (0, 131, 143, 80), (0, 96, 100, 255)),
    Category("湿地公园", "湿地公园", "Wetland park", (124, 179, 66, 80), (85, 139, 47, 255)),
    Category("水产种质资源保护区", "水产种质资源保护区", "Aquatic germplasm reserve",
             (92, 107, 192, 80), (57, 73, 171, 255)),
    Category("森林公园", "森林公园", "Forest park", (56, 142, 60, 80), (27, 94, 32, 255)),
)

PLACE_RANKS = (
    Category("1", "地级市", "City", (33, 33, 33, 255), (255, 255, 255, 255), "square"),
    Category("2", "县（市、区）驻地", "County seat", (66, 66, 66, 255), (255, 255, 255, 255),
             "circle"),
    Category("3", "乡镇", "Town", (117, 117, 117, 255), (255, 255, 255, 255), "circle"),
)

STYLES: dict[str, LayerStyle] = {
    "sea": LayerStyle("polygon", "basemap", fill=(200, 224, 242, 255), stroke=(0, 0, 0, 0)),
    "land": LayerStyle("polygon", "basemap", fill=(246, 244, 238, 255), stroke=(0, 0, 0, 0)),
    "coastline": LayerStyle("line", "basemap", stroke=(86, 138, 186, 255), stroke_width=1.0),
    "rivers": LayerStyle("line", "basemap", stroke=(110, 170, 225, 255), stroke_width=1.4,
                         label_field_zh="name_zh", label_field_en="name_en",
                         label_max_res=120, label_priority=6, label_color=(30, 90, 160, 255)),
    "counties": LayerStyle("polygon", "admin", stroke=(120, 110, 130, 230), stroke_width=1.0,
                           dash=True, label_field_zh="name_zh", label_field_en="name_en",
                           label_priority=2, label_size=10.5, label_color=(90, 80, 100, 255),
                           label_bold=True),
    "city": LayerStyle("polygon", "admin", stroke=(80, 70, 90, 255), stroke_width=2.2),
    "control_units": LayerStyle(
        "polygon", "units", stroke=(90, 90, 90, 200), stroke_width=0.8,
        category_field="unit_class", categories=UNIT_CLASSES, shape_field="domain",
        shapes=UNIT_DOMAINS, label_field_zh="code", label_field_en="code", label_max_res=25, label_priority=7, label_size=8,
        queryable=True),
    "bays": LayerStyle("polygon", "bays", fill=(30, 136, 229, 30), stroke=(21, 101, 192, 255),
                       stroke_width=1.6, dash=True, label_field_zh="name_zh",
                       label_field_en="name_en", label_priority=3, label_size=10,
                       label_color=(13, 71, 161, 255), label_bold=True, queryable=True),
    "protected_areas": LayerStyle(
        "polygon", "protected", stroke=(0, 96, 86, 255), stroke_width=1.2,
        category_field="kind", categories=PROTECTED_KINDS, label_field_zh="name_zh",
        label_field_en="name_en", label_max_res=80, label_priority=4, label_size=8.5,
        label_color=(0, 77, 64, 255), queryable=True),
    "places": LayerStyle("point", "basemap", category_field="rank", categories=PLACE_RANKS,
                         point_size=6, label_field_zh="name_zh", label_field_en="name_en",
                         label_priority=1, label_size=9.5, queryable=False),
    "outfalls": LayerStyle(
        "point", "outfalls", category_field="outfall_type", categories=OUTFALL_TYPES,
        shape_field="remediation", shapes=REMEDIATION, point_size=9,
        label_field_zh="code", label_field_en="code", label_max_res=6, label_priority=8,
        label_size=7.5, queryable=True, labels=False),
}

#: Layers the identify tool looks at, top first.
QUERY_ORDER = ("outfalls", "protected_areas", "bays", "control_units")


def style_for(name: str) -> LayerStyle:
    """The style of a known layer, or a neutral one for anything else."""
    return STYLES.get(name, LayerStyle("polygon", "basemap", fill=(150, 150, 150, 60),
                                       stroke=(90, 90, 90, 255)))


@dataclass
class LegendState:
    """Categories the user switched off in the legend, per field."""

    hidden: dict[str, set[str]] = field(default_factory=dict)

    def is_hidden(self, field_name: str, key: str) -> bool:
        return key in self.hidden.get(field_name, set())

    def toggle(self, field_name: str, key: str, visible: bool) -> None:
        keys = self.hidden.setdefault(field_name, set())
        if visible:
            keys.discard(key)
        else:
            keys.add(key)
