"""The report engine: figures → a document (plain JSON) → .docx, .xlsx and the in-app page.

`content.py` assembles a report's figures and words into one JSON document; `docx_writer.py` and
`xlsx_writer.py` write that same document as files, and the page renders it. A number therefore
exists once, in the document, and the text, the tables and the three outputs cannot disagree.
"""
