"""The Excel side of bcf-addin: the open workbook through xlwings, and the ribbon's commands.

`read_book` and `write_cells` give the engine the same workbook interface inside Excel as
bcf_addin.xlsx gives it on files; `commands` holds the functions the ribbon's buttons run.
xlwings itself is needed only by whoever passes in a Book: nothing here imports it.
"""
from .book import Block, ExcelWorkbook, WriteRefused, blocks, read_book, rectangles, with_writes, write_cells

__all__ = ["Block", "ExcelWorkbook", "WriteRefused", "blocks", "read_book", "rectangles", "with_writes",
           "write_cells"]
