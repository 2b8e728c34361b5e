"""Compare applicants for one unit side by side (issue 13, item 5), and the exports around it."""
