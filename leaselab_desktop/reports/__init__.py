"""Qt-free reports: the compliance report and the applicant comparison (PDF, reportlab), the
comparison's data (``comparison``) and the lead list for spreadsheets (``spreadsheet``).

Nothing is imported here: reportlab loads only with a module that draws a PDF, so the console can
use ``comparison`` without paying for it at start-up."""
