"""Layout variants of the gold documents: the same goals laid out the many ways minutes lay them out.

`document` turns a gold record into format-neutral blocks (meeting header, table of contents,
agenda items, a follow-up item holding the goals in one of several layouts) and derives the gold
for what was rendered; `pdf`, `html` and `docx` write those blocks as files. Test helpers, not
package code: nothing of the corpus text is stored here, it is read from ../shared at test time.
"""
