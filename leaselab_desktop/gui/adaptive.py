"""Panes side by side when there is room, tabs when there is not.

``AdaptivePanes`` lays out groups of panes in a splitter (a group of several panes is a tab widget
inside the splitter); below ``threshold`` pixels of width every pane becomes a tab of one tab
widget instead, so nothing is squeezed until labels clip. The splitter's state survives the
switches (and ``save_state`` / ``restore_state`` keep it across sessions).
"""

from __future__ import annotations

from dataclasses import dataclass

from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets, Signal

SPLIT, TABS = "split", "tabs"
NARROW_WINDOW = 1200  # px: below it the main window's lead list and lead become two tabs
_HYSTERESIS = 32  # px: a resize at the threshold does not flip the layout back and forth


@dataclass
class Pane:
    widget: QtWidgets.QWidget
    title: str
    group: int


class AdaptivePanes(QtWidgets.QWidget):
    mode_changed = Signal(str)  # SPLIT | TABS

    def __init__(self, name: str, threshold: int, parent: QtWidgets.QWidget | None = None, *,
                 min_width: int = 320, accessible: str = "Panes") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.threshold = threshold
        self._panes: list[Pane] = []
        self._groups: list[QtWidgets.QTabWidget | None] = []
        self._stretch: list[int] = []
        self._mode = SPLIT
        self._state: QtCore.QByteArray | None = None
        self.splitter = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName(f"{name}Splitter")
        self.splitter.setChildrenCollapsible(False)
        self._agent_sized = False  # the agent dragged the handle: keep those sizes across switches
        self.splitter.splitterMoved.connect(self._moved)
        self.tabs = QtWidgets.QTabWidget(self)
        self.tabs.setObjectName(f"{name}Tabs")
        self.tabs.setAccessibleName(accessible)
        self.tabs.setDocumentMode(True)
        self.tabs.hide()
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter)
        lay.addWidget(self.tabs)
        # an explicit minimum: the split layout's (the sum of the panes) would stop the window from
        # ever becoming narrow enough to switch to tabs
        self.setMinimumWidth(min_width)

    # ------------------------------------------------------------------ building
    def add_group(self, panes: list[tuple[QtWidgets.QWidget, str]], stretch: int = 1,
                  accessible: str = "") -> QtWidgets.QTabWidget | None:
        """One splitter column; several panes in it share a tab widget (returned)."""
        group = len(self._groups)
        holder: QtWidgets.QTabWidget | None = None
        if len(panes) > 1:
            holder = QtWidgets.QTabWidget(self.splitter)
            holder.setObjectName(f"{self.objectName()}Group{group}")
            holder.setAccessibleName(accessible or " and ".join(t for _w, t in panes))
            holder.setDocumentMode(True)
        self._groups.append(holder)
        self._stretch.append(stretch)
        for widget, title in panes:
            self._panes.append(Pane(widget, title, group))
            widget.installEventFilter(self)  # its window title names what it shows, on its tab
            if holder is not None:
                holder.addTab(widget, title)
            else:
                self.splitter.addWidget(widget)
        if holder is not None:
            self.splitter.addWidget(holder)
        self.splitter.setStretchFactor(group, stretch)
        return holder

    def tab_title(self, pane: Pane) -> str:
        """"Lead" alone, or "Lead: Priya Raman" while the pane's window title names its subject."""
        subject = pane.widget.windowTitle().strip()
        return f"{pane.title}: {subject}" if subject else pane.title

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.WindowTitleChange:
            for pane in self._panes:
                if pane.widget is watched:
                    holder = self.tabs if self._mode == TABS else self._groups[pane.group]
                    if holder is not None and holder.indexOf(pane.widget) >= 0:
                        holder.setTabText(holder.indexOf(pane.widget), self.tab_title(pane))
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ state
    @property
    def mode(self) -> str:
        return self._mode

    def show_pane(self, widget: QtWidgets.QWidget) -> None:
        """Bring a pane to the front (its tab), whatever the layout."""
        if self._mode == TABS:
            self.tabs.setCurrentWidget(widget)
            return
        pane = next((p for p in self._panes if p.widget is widget), None)
        holder = self._groups[pane.group] if pane is not None else None
        if holder is not None:
            holder.setCurrentWidget(widget)

    def current_pane(self) -> QtWidgets.QWidget | None:
        """The pane in front: the current tab, or in a split layout the current tab of the last group."""
        if self._mode == TABS:
            return self.tabs.currentWidget()
        holder = next((g for g in reversed(self._groups) if g is not None), None)
        return holder.currentWidget() if holder is not None else None

    def save_layout(self) -> QtCore.QByteArray:
        return self.splitter.saveState() if self._mode == SPLIT else (self._state or self.splitter.saveState())

    def restore_layout(self, state: QtCore.QByteArray) -> bool:
        self._state = QtCore.QByteArray(state)
        self._agent_sized = True  # sizes from the last session count as the agent's
        return self.splitter.restoreState(state) if self._mode == SPLIT else True

    def _moved(self, _pos: int, _index: int) -> None:
        self._agent_sized = True

    def _balance(self, force: bool = False) -> None:
        """Sizes by the stretch factors when asked, or when a column would get less than its minimum."""
        width = max(self.width(), self.threshold)
        sizes = self.splitter.sizes()
        columns = [self.splitter.widget(i) for i in range(self.splitter.count())]
        if not force and len(sizes) == len(self._stretch) and all(
            w is not None and size >= max(w.minimumWidth(), w.minimumSizeHint().width(), 1)
            for w, size in zip(columns, sizes, strict=True)
        ):
            return
        total = sum(self._stretch) or 1
        self.splitter.setSizes([width * s // total for s in self._stretch])

    # ------------------------------------------------------------------ switching
    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self.update_mode(event.size().width())

    def update_mode(self, width: int) -> None:
        if self._mode == SPLIT and width < self.threshold:
            self.set_mode(TABS)
        elif self._mode == TABS and width >= self.threshold + _HYSTERESIS:
            self.set_mode(SPLIT)

    def set_mode(self, mode: str) -> None:
        if mode == self._mode or mode not in (SPLIT, TABS):
            return
        front = self.current_pane()
        if mode == TABS:
            if self._agent_sized and self.splitter.isVisible() and all(self.splitter.sizes()):
                self._state = self.splitter.saveState()  # sizes the agent set, not a layout's guess
            for holder in self._groups:
                if holder is not None:
                    while holder.count():
                        holder.removeTab(0)
            for pane in self._panes:
                self.tabs.addTab(pane.widget, self.tab_title(pane))
            self.splitter.hide()
            self.tabs.show()
        else:
            while self.tabs.count():
                self.tabs.removeTab(0)
            for index, holder in enumerate(self._groups):
                members = [p for p in self._panes if p.group == index]
                if holder is None:
                    self.splitter.insertWidget(index, members[0].widget)
                    members[0].widget.show()
                else:
                    for p in members:
                        holder.addTab(p.widget, self.tab_title(p))
                    self.splitter.insertWidget(index, holder)
            self.tabs.hide()
            self.splitter.show()
            if self._state is not None:
                self.splitter.restoreState(self._state)
            self._balance(force=self._state is None)
        self._mode = mode
        if front is not None:
            self.show_pane(front)
        self.mode_changed.emit(mode)
