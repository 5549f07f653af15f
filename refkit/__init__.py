"""refkit: a research group's paper list as BibTeX, biblatex, CSL-JSON, RIS and a Zotero group."""

__version__ = "0.1.0"
