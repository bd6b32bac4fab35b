"""An officer's own register headings and spellings, mapped once to the template's and kept.

`propose` reads a register and suggests which of its columns feeds each template column (by
heading and by content) and which local spellings stand for which drop-down value; `store`
saves that as YAML the officer can edit and finds it again next quarter; `apply` renames the
register's headings and values so populate reads it as if headed in the template's own words.
"""
