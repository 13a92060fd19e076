"""The 同步 menu, the sync status in the status bar, and the background sync.

Installed by :func:`ui.sync.install_sync` from ``ui/features``.  Nothing here touches the
network unless the user picks 连接服务器…, 检出… or 同步 — and then only the configured host
(issue 13, "Offline guarantee").
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QProcess, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QToolButton,
)

from geodata.collector import collector_paused
from geodata.messages import Message, in_language
from ui.background import Runner
from ui.sync import credentials
from ui.sync.worker import Job, start, warm_up

CONTEXT = "Sync"

#: pulled keys announced per event-loop turn (each listener's work is per key: ~1-2 ms per
#: hundred keys at 10k-100k outfalls, plus a fixed part per announce)
ANNOUNCE_CHUNK = 1000
#: the Runner channel of the status read after an edit or a save
STATUS_CHANNEL = "sync_status"
#: from this many outfalls on, a pull is announced in one piece as before: each announce
#: also has a part that grows with the layer (the table's edited text columns and the map
#: layer's category codes are new arrays), which splitting would repeat per piece
ANNOUNCE_WHOLE_FROM_ROWS = 500_000


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


class SyncMenu(QObject):
    def __init__(self, win: Any, review: Any = None, interactive: bool = True) -> None:
        super().__init__(win)
        self.win, self.review, self.interactive = win, review, interactive
        self.path = Path(win.ws.path)
        self.job: Job | None = None
        self._previous_job: Job | None = None
        self._probe: Job | None = None
        self.last_report: Any = None
        self.last_error: Message | None = None
        self.menu = win.menuBar().addMenu("")
        # before 帮助, as menus usually go
        win.menuBar().insertMenu(win.m_help.menuAction(), self.menu)
        self.a_connect = self._action(self.connect_server)
        self.a_checkout = self._action(self.checkout)
        self.a_sync = self._action(self.sync)
        self.a_sync.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.a_sync.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.a_conflicts = self._action(self.show_conflicts)
        self.pending_label = QLabel()
        self.last_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(160)
        self.cancel_button = QToolButton()
        self.cancel_button.clicked.connect(self.cancel)
        bar = win.statusBar()
        for w in (self.progress, self.cancel_button, self.pending_label, self.last_label):
            bar.addPermanentWidget(w)
        self.progress.hide()
        self.cancel_button.hide()
        # the status after a save is read in a worker from a later turn of the event
        # loop, once however many saves there were; after an edit it is shown at once
        # from what the last reading found in the file (an edit adds a pending edit and
        # changes nothing there: reading it again was 2-30 ms of the edit's turn,
        # bench/bench_gaps.py)
        self._status_timer = QTimer(self, singleShot=True, interval=0)
        self._status_timer.timeout.connect(self._refresh_in_background)
        self._status_runner = Runner(self)
        #: (checkout?, unsynced batches in the file) as the last refresh read them
        self._file_status: tuple[bool, int] | None = None
        #: (the status the running sync job's worker read at its end, how many saves
        #: there had been then): see sync()
        self._job_status: Any = None
        # a pull's pieces, one per event-loop turn: a timer (not a chain of
        # ``QTimer.singleShot(0)``, which Qt sends as posted events one after another in
        # the same pass, so two or three pieces ran with no timer or input between them)
        self._piece_timer = QTimer(self, singleShot=True, interval=0)
        self._piece_timer.timeout.connect(self._announce)
        #: what is left to announce of the pull: (workspace, keys, their rows in the key
        #: column ``codes`` or None, codes, report, fields)
        self._pieces: Any = None
        self._saves = 0
        # an import (or its undo) may write audit rows: read the file again after the
        # next edit (in its own turn)
        win.ws.layer_replaced.connect(lambda _layer: setattr(self, "_file_status", None))
        session = getattr(review, "session", None)
        if session is not None:
            session.saved.connect(self._saved)
            session.edited.connect(lambda _e: self._edited())
        self.retranslate()
        if self._file_status is not None and self._file_status[0]:  # a checkout
            warm_up()  # the sync's worker thread, started now rather than at 同步

    def _action(self, slot: Any) -> QAction:
        a = QAction(self.win)
        a.triggered.connect(slot)
        self.menu.addAction(a)
        return a

    # -- state ---------------------------------------------------------------------------
    def state(self) -> dict[str, str]:
        from models.sync.engine import read_state

        try:
            return read_state(self.path)
        except Exception:  # noqa: BLE001 - unreadable workspace: no sync state
            return {}

    def is_checkout(self) -> bool:
        return "url" in self.state()

    def pending(self) -> int:
        from geodata import gpkg_sql
        from models.sync import local

        n = len(getattr(getattr(self.review, "session", None), "pending", []) or [])
        try:
            con = gpkg_sql.connect(self.path, readonly=True)
            try:
                n += local.unsynced_batches(con)
            finally:
                con.close()
        except Exception:  # noqa: BLE001
            pass
        return n

    def open_conflicts(self) -> int:
        from models.sync.resolve import list_conflicts

        try:
            return len(list_conflicts(self.path))
        except Exception:  # noqa: BLE001
            return 0

    def _saved(self, n: int = 0) -> None:
        """``n`` edits saved: the file holds them now, each a batch the server does not
        have.  Counted at once (a small edit is saved in its own turn, and reading the
        file there was ~5-7 ms of that turn, bench/bench_recheck.py); the worker's
        reading of the file, started here, then shows what the file says."""
        self._saves += 1
        if self._file_status is not None:
            checkout, unsynced = self._file_status
            self._file_status = (checkout, unsynced + n)
        self._status_timer.start()

    def _edited(self) -> None:
        if self._file_status is None:  # not read since an import: read in the worker
            self._status_timer.start()
            return
        checkout, unsynced = self._file_status
        if checkout:
            self._show_pending(unsynced)

    def _show_pending(self, unsynced: int) -> None:
        pending = len(getattr(getattr(self.review, "session", None), "pending", []) or [])
        self.pending_label.setText(
            QCoreApplication.translate(CONTEXT, "%n 项修改未同步", "", pending + unsynced))

    def refresh_status(self) -> None:
        """Read the sync status now (on this thread) and show it."""
        from models.sync.engine import sync_status

        self._status_timer.stop()
        self._status_runner.cancel(STATUS_CHANNEL)  # a reading on its way is older
        self._show_status(sync_status(self.path))  # one connection, not four

    def _refresh_in_background(self) -> None:
        """Read the sync status in a worker and show it when read: counting the file's
        unsynced edits scans its audit log (10-30 ms after a pull of 10 000 edits), after
        every save (bench/bench_gaps.py)."""
        from models.sync.engine import sync_status

        path = self.path
        self._status_runner.submit(lambda _token: sync_status(path), self._show_status,
                                   channel=STATUS_CHANNEL, on_error=lambda _exc: None)

    def _show_status(self, status: tuple[dict[str, str], int, int]) -> None:
        state, unsynced, n = status
        checkout = "url" in state
        self._file_status = (checkout, unsynced)
        for w in (self.pending_label, self.last_label):
            w.setVisible(checkout)
        self.a_sync.setEnabled(checkout and self.job is None)
        self.a_conflicts.setEnabled(checkout)
        if not checkout:
            return
        self._show_pending(unsynced)
        last = state.get("last_sync", "")
        self.last_label.setText(tr("上次同步：") + (last.replace("T", " ")[:19] or tr("从未")))
        self.a_conflicts.setText(tr("冲突…") if not n else
                                 tr("冲突（%1）…").replace("%1", str(n)))

    def retranslate(self) -> None:
        self.menu.setTitle(tr("同步"))
        for a, text in ((self.a_connect, "连接服务器…"), (self.a_checkout, "检出…"),
                        (self.a_sync, "同步")):
            a.setText(tr(text))
        self.cancel_button.setText(tr("取消"))
        self.refresh_status()

    def say(self, message: Message | str, ms: int = 8000) -> None:
        text = message.text(self.win.lang) if isinstance(message, Message) else message
        self.win.statusBar().showMessage(text, ms)

    # -- password ------------------------------------------------------------------------
    def password_for(self, url: str, ask: bool = False) -> str | None:
        known = credentials.get(url)
        if known is not None and not ask:
            return known
        if not self.interactive:
            return known
        text, ok = QInputDialog.getText(self.win, tr("服务器密码"),
                                        tr("%1 的密码：").replace("%1", url),
                                        QLineEdit.EchoMode.Password)
        if not ok:
            return None
        credentials.put(url, text, remember=False)
        return text or None

    # -- actions -------------------------------------------------------------------------
    def connect_server(self) -> None:
        from ui.sync.dialogs import ConnectDialog

        url = self.state().get("url", "")
        settings = self.win.settings
        if not url and settings is not None:
            url = str(settings.value("sync/url", "") or "")
        dlg = ConnectDialog(url, self.win)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        self.test_connection(self.remember_server(dlg.url.text(), dlg.password.text(),
                                                  dlg.remember.isChecked()))

    def remember_server(self, url: str, password: str, remember: bool) -> str:
        """Keep the server address (without any password, even one typed into the URL) in
        the settings, and the password in memory or the keyring; returns the address."""
        from urllib.parse import urlsplit

        from geodata.pg.connection import check_url, redact_url

        url = url.strip()
        try:
            check_url(url)
            password = password or urlsplit(url).password or ""
        except Exception:  # noqa: BLE001 - a bad URL is reported by the connection test
            pass
        url = redact_url(url)
        if password:
            credentials.put(url, password, remember)
        settings = self.win.settings
        if settings is not None:
            settings.setValue("sync/url", url)
            settings.sync()
        return url

    def test_connection(self, url: str) -> Job:
        from geodata.pg.connection import connect
        from geodata.pg.users import whoami

        password = credentials.get(url)

        def run(progress: Any, cancelled: Any) -> Any:
            with connect(url, password=password, autocommit=True) as con:
                return whoami(con)

        job = Job(run)
        job.signals.finished.connect(lambda u: self.say(Message(
            f"已连接 {url}：{u.name}（{u.kind}，{u.county_code or '全市'}）",
            f"connected to {url}: {u.name} ({u.kind}, {u.county_code or 'whole city'})")))
        job.signals.failed.connect(self._failed)
        self._probe = job  # referenced until the next probe: the pool runs it
        return start(job)

    def checkout(self) -> Job | None:
        from ui.sync.dialogs import CheckoutDialog, county_list

        settings = self.win.settings
        url = self.state().get("url") or (str(settings.value("sync/url", "") or "")
                                          if settings is not None else "")
        if not url:
            self.connect_server()
            url = str(settings.value("sync/url", "") or "") if settings is not None else ""
            if not url:
                return None
        dlg = CheckoutDialog(county_list(self.win.ws, self.win.lang), self.path.parent, self.win)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        county, out = dlg.choice()
        return self.run_checkout(url, county, out)

    def run_checkout(self, url: str, county: str | None, out: Path) -> Job:
        from geodata.pg.connection import connect
        from models.sync.checkout import checkout

        password = self.password_for(url)

        def run(progress: Any, cancelled: Any) -> Any:
            progress(0.1, Message("正在检出…", "checking out…"))
            with connect(url, password=password, autocommit=True) as con:
                return checkout(con, url, out, county)

        job = self._begin(Job(run))
        job.signals.finished.connect(self._checked_out)
        return job

    def _checked_out(self, data: dict[str, Any]) -> None:
        self._end()
        msg = Message(f"已检出 {data['outfalls']} 个排污口到 {data['out']}",
                      f"checked out {data['outfalls']} outfalls to {data['out']}")
        self.say(msg, 15000)
        if not self.interactive:
            return
        box = QMessageBox(QMessageBox.Icon.Information, tr("检出"),
                          msg.text(self.win.lang), parent=self.win)
        open_btn = box.addButton(tr("在新窗口中打开"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("关闭"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is open_btn:
            args = ["--workspace", data["out"]]
            if not getattr(sys, "frozen", False):
                args = [str(Path(sys.argv[0]).resolve()), *args]
            QProcess.startDetached(sys.executable, args)

    def sync(self) -> Job | None:
        """Save pending edits, then push and pull in the background."""
        from models.sync.engine import FrameAtStart, read_for_workspace, sync, sync_status

        if self.job is not None:
            return self.job
        state = self.state()
        if "url" not in state:
            self.say(Message("当前工作空间不是检出的副本：请先“检出…”",
                             "this workspace is not a checkout: use “Check out…” first"))
            return None
        session = getattr(self.review, "session", None)
        if session is not None and session.pending:
            session.save()
        password = self.password_for(state["url"])

        ws, reads = self.win.ws, {}
        since = ws.revision  # on the GUI thread, before the job: an edit from now on wins
        start_frame = FrameAtStart.of(ws)  # the keys the worker finds the pulled rows in

        def run(progress: Any, cancelled: Any) -> Any:
            # a pull of 10 000 edits makes ~10^5 dicts and strings here: the cyclic
            # collections they set off scan every object of the window not frozen at its
            # start, with the GIL held (a full one was ~100 ms at 100k outfalls, the GUI
            # thread stopped as long; geodata/collector.py)
            with collector_paused():
                report = sync(self.path, password=password, progress=progress,
                              cancelled=cancelled)
                # read what the pull changed here: the GUI thread only swaps it in
                reads["files"] = read_for_workspace(ws, report.outcome, since, start_frame)
                # and the status the job's end shows: counting the unsynced edits scans
                # the audit log, 10-30 ms on the GUI thread after a pull of 10 000 edits
                # (the file changes meanwhile only by a save, whose status is read after)
                reads["saves"] = self._saves  # a save from now on: the end reads again
                reads["status"] = sync_status(self.path)
            return report

        job = self._begin(Job(run))
        job.signals.finished.connect(lambda report: self._synced(
            report, reads.get("files"), (reads.get("status"), reads.get("saves"))))
        return job

    def _begin(self, job: Job) -> Job:
        self.job = job
        self.last_error = None
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.a_sync.setEnabled(False)
        job.signals.progress.connect(self._progress)
        job.signals.failed.connect(self._failed)
        return start(job)

    def _end(self, status: Any = None) -> None:
        """The job is over; ``status``: the sync status its worker read at its end (else
        read here)."""
        # keep the finished job referenced a while: its run() may still be returning in
        # the pool thread when its last signal arrives here
        self._previous_job, self.job = self.job, None
        self.progress.hide()
        self.cancel_button.hide()
        if status is None:
            self.refresh_status()
        else:
            self._status_timer.stop()
            self._show_status(status)

    def _progress(self, fraction: float, message: Any) -> None:
        self.progress.setValue(int(fraction * 100))
        if isinstance(message, Message):
            self.say(message, 0)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _synced(self, report: Any, read: Any = None, status: Any = None) -> None:
        """The job's result (GUI thread): ``read`` what it read for the window,
        ``status`` (sync status, saves counted then) what it read of the file at its end."""
        from models.sync.engine import tell_workspace

        self._job_status = status  # shown when the job ends (_shown)
        keys: list[str] = []
        if report.outcome is not None:  # GUI thread: the change flow
            # the values go into the frame now (one piece: an edit from now on wins over
            # them); their keys are announced in pieces, one per event-loop turn
            keys = tell_workspace(self.win.ws, report.outcome, read, announce=False)
        if keys:
            # the fields pulled and the keys' rows (worked out in the worker; None:
            # listeners refresh every field, look the keys up themselves)
            fields = read.fields if read is not None else None
            rows = read.rows_written(keys) if read is not None else None
            self._pieces = (self.win.ws, keys, rows, read.codes if rows is not None else None,
                            report, fields)
            self._piece_timer.start()
        else:
            self._shown(report)

    def _announce(self) -> None:
        """Announce ``ANNOUNCE_CHUNK`` pulled keys (``features_changed``, as one announce
        of them all would), the rest in the next event-loop turn; the sync is done (the
        job ends, the summary shows) after the last.  Each listener's work is per key, so
        a piece holds the GUI thread a few ms where ten thousand keys held it ~50-90 ms.
        The piece's rows, found in the sync's worker, are handed to the listeners first
        (``key_lookup.remember``: valid while the key column is the one they were found
        in, which it checks), so neither the map's patch nor the table looks its keys up.
        The menu owns the timer: a window closed and deleted meanwhile ends it."""
        from models import key_lookup

        if self._pieces is None:
            return
        ws, keys, rows, codes, report, fields = self._pieces
        whole = len(ws.layers.get("outfalls", ())) >= ANNOUNCE_WHOLE_FROM_ROWS
        size = len(keys) if whole else ANNOUNCE_CHUNK
        piece, rest = keys[:size], keys[size:]
        if rows is not None:
            key_lookup.remember(codes, piece, rows[:size])
        ws.announce_features_changed("outfalls", piece, fields=fields)
        if rest:
            self._pieces = (ws, rest, None if rows is None else rows[size:], codes, report,
                            fields)
            self._piece_timer.start()
        else:
            self._pieces = None
            self._shown(report)

    def _shown(self, report: Any) -> None:
        """The pull is in the window: end the job, say what the sync did."""
        self.last_report = report
        (status, saves), self._job_status = self._job_status or (None, None), None
        self._end(status if saves == self._saves else None)  # else a save came after it
        self.say(report.summary(), 15000)
        if report.refused and self.interactive:
            text = "\n".join(r["reason"][in_language(self.win.lang, "zh", "en")]
                             for r in report.refused[:20])
            QMessageBox.warning(self.win, tr("部分修改被服务器拒绝"), text)

    def _failed(self, exc: BaseException) -> None:
        from geodata.pg.connection import ServerError
        from models.sync.engine import SyncCancelled

        self._end()
        if isinstance(exc, SyncCancelled):
            self.last_error = Message("同步已取消；工作空间保持完整，可随时再同步",
                                      "sync cancelled; the workspace is intact, sync again "
                                      "any time")
        elif isinstance(exc, ServerError):
            self.last_error = exc.message
        else:
            self.last_error = Message(f"同步失败：{exc}", f"sync failed: {exc}")
        self.say(self.last_error, 15000)
        if self.interactive and not isinstance(exc, SyncCancelled):
            QMessageBox.warning(self.win, tr("同步"), self.last_error.text(self.win.lang))

    def show_conflicts(self) -> Any:
        from models.outfall_session import default_user
        from ui.sync.conflicts_dialog import ConflictsDialog

        user = getattr(getattr(self.review, "session", None), "user", None) or default_user()
        dlg = ConflictsDialog(self.path, self.win.ws, user, self.win.lang, self.win)
        dlg.resolved.connect(lambda *_: self.refresh_status())
        dlg.setModal(False)
        dlg.show()
        return dlg
