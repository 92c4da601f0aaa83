"""Citations of the library's resources: one CSL-JSON record per resource, made from the graph
(:mod:`.record`), formatted in official CSL styles by citeproc-py (:mod:`.styles`) and written
as BibTeX and RIS (:mod:`.exports`)."""
