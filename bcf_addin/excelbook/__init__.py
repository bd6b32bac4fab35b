"""The workbook open in Excel, read and written through xlwings: the peer of bcf_addin.xlsx.

`read_book` and `write_cells` give the engine the same workbook interface inside Excel as
bcf_addin.xlsx gives it on files. xlwings itself is needed only by whoever passes in a Book:
nothing here imports it.
"""
from .blocks import Block, blocks, rectangles
from .read import ExcelWorkbook, read_book
from .write import WriteRefused, with_writes, write_cells

__all__ = ["Block", "ExcelWorkbook", "WriteRefused", "blocks", "read_book", "rectangles", "with_writes",
           "write_cells"]
