"""The lead workspace: detail, documents preview, evaluation panel and timeline, result card,
override, compliance export and batch evaluation."""

from leaselab_desktop.gui.workspace.batch import BatchController
from leaselab_desktop.gui.workspace.workspace import LeadWorkspace

__all__ = ["BatchController", "LeadWorkspace"]
