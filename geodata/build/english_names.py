"""English forms of the place and site names that go into generated unit names.

Unit names are composed from Chinese labels (site, reserve, bay); their English names must
not carry Chinese fragments, so every label has an English form here.  ``translate`` raises
on a label it does not know, so a new site cannot slip through untranslated.
"""

from __future__ import annotations

import re

TERMS = {
    "万安城区": "Wan'an urban area",
    "中心城区": "central urban area",
    "五里电镀集控区": "Wuli electroplating park",
    "仑苍镇水暖卫浴产业": "Luncang plumbing and sanitary-ware industry",
    "伍堡-鸿山染整集控区": "Wubao-Hongshan dyeing and finishing park",
    "凤城城区": "Fengcheng urban area",
    "围头湾": "Weitou Bay",
    "大港湾": "Dagang Bay",
    "安海湾": "Anhai Bay",
    "安海镇皮革产业": "Anhai leather industry",
    "山美水库饮用水水源保护区": "Shanmei Reservoir drinking-water source protection area",
    "山腰城区": "Shanyao urban area",
    "崇武国家海洋公园": "Chongwu National Marine Park",
    "惠女水库饮用水水源保护区": "Huinv Reservoir drinking-water source protection area",
    "戴云山国家级自然保护区": "Daiyunshan National Nature Reserve",
    "桃城城区": "Taocheng urban area",
    "水头-石井电镀集控区": "Shuitou-Shijing electroplating park",
    "永春桃溪国家湿地公园": "Yongchun Taoxi National Wetland Park",
    "泉州湾": "Quanzhou Bay",
    "泉州湾河口湿地省级自然保护区": "Quanzhou Bay Estuary Wetland Provincial Nature Reserve",
    "泉惠石化工业园区": "Quanhui petrochemical industrial park",
    "浔中城区": "Xunzhong urban area",
    "深沪港区": "Shenhu port area",
    "深沪湾": "Shenhu Bay",
    "深沪湾海底古森林遗迹国家级自然保护区":
        "Shenhu Bay Submarine Ancient Forest Relics National Nature Reserve",
    "清源山风景名胜区": "Qingyuanshan Scenic Area",
    "湄洲湾": "Meizhou Bay",
    "湖头镇光电-钢铁产业": "Hutou optoelectronics and steel industry",
    "湖洋溪黑脊倒刺鲃国家级水产种质资源保护区":
        "Huyang Creek Spinibarbus caldwelli National Aquatic Germplasm Reserve",
    "溪美中心城区": "Ximei central urban area",
    "灵秀山省级森林公园": "Lingxiushan Provincial Forest Park",
    "石化工业园区": "petrochemical industrial park",
    "磁灶镇建陶产业": "Cizao building-ceramics industry",
    "祥芝港区": "Xiangzhi port area",
    "紫帽山生态公益林": "Zimaoshan ecological forest",
    "螺城城区": "Luocheng urban area",
    "陈埭镇制鞋产业": "Chendai footwear industry",
    "青阳中心城区": "Qingyang central urban area",
}

_CJK_RUN = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff\-]*")


def translate(name_en: str) -> str:
    """Replace every Chinese label inside a composed English name by its English form."""

    def repl(m: re.Match[str]) -> str:
        try:
            return TERMS[m.group(0)]
        except KeyError:
            raise KeyError(f"no English form for '{m.group(0)}' in {name_en!r}; "
                           "add it to geodata/build/english_names.py") from None

    return _CJK_RUN.sub(repl, name_en)
